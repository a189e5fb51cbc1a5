"""Notifications: an in-app inbox row per recipient, e-mailed once by a Celery task after commit.

Subjects and bodies carry the case number and a link only — never identity.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.models import Notification


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
        transaction.on_commit(lambda: [send_notification_email.delay(i) for i in ids])
    return created


def notification_send_email(*, notification_id: int) -> bool:
    """Send the e-mail for one notification at most once (row lock + emailed_at guard)."""
    with transaction.atomic():
        n = (Notification.objects.select_for_update(skip_locked=True)
             .select_related("user").filter(pk=notification_id, emailed_at__isnull=True).first())
        if n is None or not n.user.email:
            return False
        link = f"{settings.SITE_URL.rstrip('/')}{n.url}" if n.url else settings.SITE_URL
        send_mail(
            subject=f"[Terpadu] {n.title}",
            message=f"{n.title}\n\nBuka di Terpadu: {link}\n\n"
                    "Pesan ini tidak memuat identitas korban. Masuk ke Terpadu untuk detailnya.",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[n.user.email],
        )
        n.emailed_at = timezone.now()
        n.save(update_fields=["emailed_at"])
        return True


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
