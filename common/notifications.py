"""Notifications: an in-app inbox row per recipient, e-mailed once by a Celery task after commit.

Subjects and bodies carry the case number and a link only — never identity. Callers build the
title from the case number (``case.number``), never from a person; the e-mail repeats the title and
adds the link, nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from common.models import Notification

EMAIL_FOOTER = "Pesan ini tidak memuat identitas korban. Masuk ke Terpadu untuk detailnya."

#: kind -> resolver: given the notifications of that kind on a page, the ids of those whose task
#: is done (e.g. minutes to sign that are signed). Apps register theirs in ``AppConfig.ready``.
DoneResolver = Callable[[list[Notification]], set[int]]
DONE_RESOLVERS: dict[str, DoneResolver] = {}


def register_done_resolver(kind: str, resolver: DoneResolver) -> None:
    DONE_RESOLVERS[kind] = resolver


# --- writes ----------------------------------------------------------------------------------------

def notify(*, users: Iterable, kind: str, title: str, url: str = "", case=None,
           dedupe_key: str) -> list[Notification]:
    """Create one inbox row per user (skipping any that already exist for ``dedupe_key``) and
    queue its e-mail after commit. Safe to call twice: the second call creates nothing."""
    created = []
    for user in {u.pk: u for u in users}.values():
        try:
            with transaction.atomic():
                n = Notification.objects.create(user=user, case=case, kind=kind, title=title[:200],
                                                url=url, dedupe_key=dedupe_key)
        except IntegrityError:
            continue
        created.append(n)
    if created:
        from common.tasks import send_notification_email

        ids = [n.pk for n in created]
        # After commit: a worker that ran first would find no row (docs/conventions.md, "Three things").
        transaction.on_commit(lambda: [send_notification_email.delay(i) for i in ids])
    return created


def notification_email(n: Notification) -> tuple[str, str]:
    """(subject, body) of the e-mail for ``n``: its title and the link, nothing else."""
    site = settings.SITE_URL.rstrip("/")
    link = f"{site}{n.url}" if n.url else f"{site}/notifikasi/"
    return (f"[Terpadu] {n.title}",
            f"{n.title}\n\nBuka di Terpadu: {link}\n\n{EMAIL_FOOTER}\n")


def notification_send_email(*, notification_id: int) -> bool:
    """Send the e-mail for one notification at most once (row lock + ``emailed_at`` guard).

    Two deliveries of the same task at once: the second skips the locked row and sends nothing.
    The mail goes out before ``emailed_at`` commits, so a crash in between sends it again on
    redelivery — at least once, never twice in the normal course."""
    with transaction.atomic():
        n = (Notification.objects.select_for_update(skip_locked=True, of=("self",))
             .select_related("user").filter(pk=notification_id, emailed_at__isnull=True).first())
        if n is None or not n.user.email or not n.user.is_active:
            return False
        subject, body = notification_email(n)
        send_mail(subject=subject, message=body, from_email=settings.DEFAULT_FROM_EMAIL,
                  recipient_list=[n.user.email])
        n.emailed_at = timezone.now()
        n.save(update_fields=["emailed_at"])
        return True


def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications (all, or only ``ids``) read; returns how many.
    Notifications are not audited records (no history), so one UPDATE is fine."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


# --- reads -----------------------------------------------------------------------------------------

def notification_list(*, user) -> QuerySet[Notification]:
    """The user's inbox, newest first. Only the user's own rows, by construction."""
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def notifications_resolve_done(notifications: Iterable[Notification]) -> list[Notification]:
    """Set ``is_done`` on each notification: its task is done (the inbox says "Selesai" and asks
    nothing). One query per registered kind present, however many rows: the inbox stays constant."""
    rows = list(notifications)
    by_kind: dict[str, list[Notification]] = defaultdict(list)
    for n in rows:
        n.is_done = False
        by_kind[n.kind].append(n)
    for kind, of_kind in by_kind.items():
        resolver = DONE_RESOLVERS.get(kind)
        if resolver is not None:
            done = resolver(of_kind)
            for n in of_kind:
                n.is_done = n.pk in done
    return rows


def notification_get_for_user(*, user, id: int) -> Notification:  # noqa: A002 — the house name
    """One of the user's notifications; the same 404 for "missing" and "someone else's"."""
    n = Notification.objects.filter(user=user, pk=id).first()
    if n is None:
        raise Http404
    return n


def unread_count(user) -> int:
    """One COUNT on the (user, read_at) index; the header shows it on every page."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
