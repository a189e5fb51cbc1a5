"""Notifications: a per-user inbox with the unread count in the header, and e-mails that carry
the case number and a link — never a victim's name, NIK or phone — sent once however often the
task runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from common import crypto
from common.models import Notification
from common.notifications import notify
from common.tasks import send_notification_email
from tests.factories import UserFactory, member
from tests.sla.helpers import make_staff, register

pytestmark = pytest.mark.django_db

VICTIM = {"name": "Ratna Kumalasari Wibisono", "nik": "3174 0541 0190 0123", "phone": "0812-7777-3456"}


def _note(user, title="PPA-2026-000001: uji", key=None, url="/kasus/1/", **kw):
    return Notification.objects.create(user=user, kind="uji", title=title, url=url,
                                       dedupe_key=key or f"uji:{title}", **kw)


def identity_strings(name=VICTIM["name"], nik=VICTIM["nik"], phone=VICTIM["phone"]) -> list[str]:
    """Every form in which the seeded identity could leak: as typed, normalised, in parts."""
    normal_phone = crypto.normalise_phone(phone)
    return [name, *name.split(), nik, crypto.normalise_nik(nik), phone, normal_phone,
            normal_phone.lstrip("+"), "0" + normal_phone[3:]]



@pytest.fixture
def people(uptd, polres):
    return make_staff(uptd, polres)


# --- inbox -----------------------------------------------------------------------------------------

def test_inbox_lists_only_my_notifications_newest_first(client, uptd):
    me, someone = member(uptd, Role.KONSELOR), member(uptd, Role.KONSELOR)
    old = _note(me, "PPA-2026-000001: lama")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=1))
    _note(me, "PPA-2026-000002: baru")
    _note(someone, "PPA-2026-000003: bukan milik saya")
    client.force_login(me)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert page.index("PPA-2026-000002") < page.index("PPA-2026-000001")
    assert "PPA-2026-000003" not in page


def test_inbox_query_count_does_not_grow_with_rows(client, uptd):
    me = member(uptd, Role.KONSELOR)
    client.force_login(me)
    _note(me, "a"), _note(me, "b")
    client.get(reverse("notifications:inbox"))  # warm the session
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("notifications:inbox"))
    for i in range(30):
        _note(me, f"n{i}")
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("notifications:inbox"))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_header_shows_the_unread_count_with_one_query(client, uptd):
    me = member(uptd, Role.KONSELOR)
    _note(me, "a"), _note(me, "b"), _note(me, "c", read_at=timezone.now())
    _note(member(uptd, Role.KONSELOR), "someone else's")
    client.force_login(me)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("notifications:inbox")}"' in page and "Notifikasi (2)" in page
    assert sum("common_notification" in q["sql"] for q in ctx.captured_queries) == 1


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, uptd):
    me = member(uptd, Role.KONSELOR)
    n = _note(me, url="/kasus/42/")
    client.force_login(me)
    resp = client.post(reverse("notifications:open"), {"id": n.pk})
    assert resp.status_code == 302 and resp["Location"] == "/kasus/42/"
    n.refresh_from_db()
    assert n.read_at is not None
    assert "Notifikasi (0)" in client.get(reverse("home")).content.decode()


def test_a_notification_never_redirects_off_site(client, uptd):
    me = member(uptd, Role.KONSELOR)
    n = _note(me, url="https://evil.example/phish")
    client.force_login(me)
    resp = client.post(reverse("notifications:open"), {"id": n.pk})
    assert resp["Location"] == reverse("notifications:inbox")


@pytest.mark.parametrize("route", ["notifications:open", "notifications:mark-read"])
def test_someone_elses_notification_is_404_like_a_missing_one(client, uptd, route):
    me, someone = member(uptd, Role.KONSELOR), member(uptd, Role.HEAD)
    theirs = _note(someone)
    client.force_login(me)
    assert client.post(reverse(route), {"id": theirs.pk}).status_code == 404
    assert client.post(reverse(route), {"id": theirs.pk + 1000}).status_code == 404
    assert client.post(reverse(route), {"id": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_one_or_all_of_mine_only(client, uptd):
    me, someone = member(uptd, Role.KONSELOR), member(uptd, Role.KONSELOR)
    a, b, c = _note(me, "a"), _note(me, "b"), _note(me, "c")
    theirs = _note(someone, "d")
    client.force_login(me)
    assert client.post(reverse("notifications:mark-read"), {"id": a.pk}).status_code == 302
    assert set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True)) == {
        b.pk, c.pk, theirs.pk}
    resp = client.post(reverse("notifications:mark-read"), follow=True)
    assert "2 notifikasi ditandai dibaca." in resp.content.decode()
    assert list(Notification.objects.filter(read_at__isnull=True)) == [theirs]


def test_inbox_pages_need_sign_in_and_marking_needs_post(client, uptd):
    assert client.get(reverse("notifications:inbox")).status_code == 302
    assert client.post(reverse("notifications:mark-read")).status_code == 302
    client.force_login(member(uptd, Role.KONSELOR))
    assert client.get(reverse("notifications:open")).status_code == 405
    assert client.get(reverse("notifications:mark-read")).status_code == 405


# --- e-mail --------------------------------------------------------------------------------------

def test_sla_emails_carry_the_case_number_and_link_but_no_identity(people, eager_celery, mailoutbox,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        complaint = register(people, name=VICTIM["name"], nik=VICTIM["nik"], phone=VICTIM["phone"],
                             received_at=timezone.now() - timedelta(hours=30))
    case = complaint.case
    assert {m.to[0] for m in mailoutbox} == {people.head.email, people.chair.email}
    for mail in mailoutbox:
        assert case.number in mail.subject and case.number in mail.body
        assert f"http://127.0.0.1:8000{reverse('cases:detail', args=[case.pk])}" in mail.body
        text = "\n".join([mail.subject, mail.body, *mail.to, mail.from_email])
        for secret in identity_strings():
            assert secret not in text
    # The inbox rows carry no identity either.
    for title in Notification.objects.values_list("title", flat=True):
        assert not any(secret in title for secret in identity_strings())


def test_the_email_task_run_twice_sends_one_mail(uptd, mailoutbox):
    n = _note(member(uptd, Role.HEAD))
    assert send_notification_email.apply(args=[n.pk]).get() is True
    assert send_notification_email.apply(args=[n.pk]).get() is False
    assert len(mailoutbox) == 1
    n.refresh_from_db()
    assert n.emailed_at is not None


def test_notify_twice_creates_one_row_and_one_mail_per_user(uptd, eager_celery, mailoutbox,
                                                            django_capture_on_commit_callbacks):
    users = [member(uptd, Role.HEAD), member(uptd, Role.ADMIN_OFFICER)]
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            notify(users=users + users[:1], kind="uji", title="PPA-2026-000009: uji", url="/kasus/9/",
                   dedupe_key="uji:9")
    assert Notification.objects.count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in users)


def test_the_email_is_sent_only_after_commit(uptd, eager_celery, mailoutbox,
                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            notify(users=[member(uptd, Role.HEAD)], kind="uji", title="t", dedupe_key="k")
            assert mailoutbox == []  # a worker must never look for a row that is not committed
    assert len(mailoutbox) == 1


def test_no_mail_for_a_user_without_an_address(uptd, mailoutbox):
    n = _note(UserFactory(email=""))
    assert send_notification_email.apply(args=[n.pk]).get() is False
    assert mailoutbox == []
