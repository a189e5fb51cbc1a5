"""Acting heads (Plt., pelaksana tugas kepala), docs/access.md §1a: the head of an agency — or a
system administrator — names a member of the agency to act as its head for a dated period, on a
written order. While the delegation covers the day the acting head is head for every purpose; before
it starts and after it ends (or from the day it is ended early) they are not. Only the head, never
an acting head or anyone else, appoints."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies import policies, services
from agencies.models import ActingHead, Role, User
from agencies.selectors import agency_heads, user_context
from common.errors import ActionNotAllowed, ApplicationError
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
ORDER = "800/SP-PLT/UPTD/2026"


def fresh(user) -> User:
    """The user as the next request sees them (the standing is cached per user object)."""
    return User.objects.get(pk=user.pk)


def morning(day) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=JAKARTA)


def appoint(head, agency, user, *, start=None, end=None, reference=ORDER) -> ActingHead:
    start = start or timezone.localdate()
    return services.acting_head_appoint(actor=head, agency=agency, user=user, start=start,
                                        end=end or start + timedelta(days=6), reference=reference)


def test_the_head_appoints_and_the_acting_head_heads_the_agency_only_within_the_dates(uptd, polres):
    # Given the head of the UPTD going on leave from tomorrow for three days
    head = member(uptd, Role.HEAD)
    companion = member(uptd, Role.PENDAMPING)
    today = timezone.localdate()
    start, end = today + timedelta(days=1), today + timedelta(days=3)
    acting = appoint(head, uptd, companion, start=start, end=end)
    assert (acting.granted_by, acting.reference) == (head, ORDER)
    assert acting.history.count() == 1

    # today the companion is not yet acting head
    assert policies.acts_as_head_how(fresh(companion), uptd.pk) is None
    assert not policies.is_agency_head(fresh(companion), uptd.pk)
    assert companion not in agency_heads(agency=uptd)
    # the question can be asked about another day, without travelling
    assert policies.acts_as_head_how(companion, uptd.pk, at=start) == policies.ACTING_HEAD
    assert policies.acts_as_head_how(companion, uptd.pk, at=end + timedelta(days=1)) is None
    assert policies.acts_as_head_how(head, uptd.pk, at=start) == policies.HEAD

    # on each day of the delegation they are, in the UPTD only; the head stays head
    for day in (start, end):
        with time_machine.travel(morning(day), tick=False):
            assert policies.acts_as_head_how(fresh(companion), uptd.pk) == policies.ACTING_HEAD
            assert policies.is_agency_head(fresh(companion), uptd.pk)
            assert not policies.is_agency_head(fresh(companion), polres.pk)
            assert policies.acts_as_head_how(fresh(head), uptd.pk) == policies.HEAD
            assert set(agency_heads(agency=uptd)) == {head, companion}
    # and the day after it ends, no longer
    with time_machine.travel(morning(end + timedelta(days=1)), tick=False):
        assert not policies.is_agency_head(fresh(companion), uptd.pk)
        assert set(agency_heads(agency=uptd)) == {head}


def test_only_the_head_or_a_system_administrator_appoints(uptd, polres):
    head = member(uptd, Role.HEAD)
    companion = member(uptd, Role.PENDAMPING)
    officer = member(uptd, Role.ADMIN_OFFICER)
    acting = member(uptd, Role.KONSELOR)
    appoint(head, uptd, acting, end=timezone.localdate() + timedelta(days=1))
    refused = [officer, fresh(acting), member(polres, Role.HEAD), member(uptd, Role.TP_KETUA),
               member(uptd, Role.MINISTRY_VIEWER)]
    later = timezone.localdate() + timedelta(days=2)
    for user in refused:
        with pytest.raises(ActionNotAllowed, match=str(services.ACTING_HEAD_NOT_ALLOWED)):
            appoint(user, uptd, companion, start=later)
    assert ActingHead.objects.filter(user=companion).count() == 0

    # a system administrator may, and so may the bootstrap superuser (in the admin)
    by_admin = appoint(member(uptd, Role.SYSTEM_ADMIN), uptd, companion, start=later, end=later)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    services.acting_head_end(actor=superuser, acting_head=by_admin)
    assert appoint(superuser, uptd, companion, start=later + timedelta(days=1)).granted_by == superuser


def test_an_appointment_that_breaks_a_rule_is_refused_and_nothing_is_saved(uptd, polres):
    head = member(uptd, Role.HEAD)
    companion = member(uptd, Role.PENDAMPING)
    today = timezone.localdate()

    def refused(field, message, **kw):
        args = {"user": companion, "start": today, "end": today + timedelta(days=2), "reference": ORDER,
                **kw}
        with pytest.raises(ValidationError) as exc:
            services.acting_head_appoint(actor=head, agency=uptd, **args)
        assert message in exc.value.message_dict[field]

    refused("user", services.ACTING_HEAD_NOT_MEMBER, user=member(polres, Role.INVESTIGATOR))
    refused("user", services.ACTING_HEAD_NOT_MEMBER, user=member(uptd, Role.TP_ANGGOTA))
    refused("user", services.ACTING_HEAD_IS_HEAD, user=member(uptd, Role.HEAD))
    refused("start", services.ACTING_HEAD_START_PAST, start=today - timedelta(days=1))
    refused("end", services.ACTING_HEAD_PERIOD_INVALID, end=today - timedelta(days=1), start=today)
    refused("reference", services.ACTING_HEAD_REFERENCE_REQUIRED, reference="   ")
    assert not ActingHead.objects.exists()
    # one acting head at a time
    appoint(head, uptd, member(uptd, Role.KONSELOR), start=today + timedelta(days=2))
    refused("start", services.ACTING_HEAD_OVERLAP)
    assert ActingHead.objects.count() == 1


def test_ending_early_stops_it_from_today_and_keeps_the_days_it_covered(uptd):
    head = member(uptd, Role.HEAD)
    companion = member(uptd, Role.PENDAMPING)
    today = timezone.localdate()
    acting = appoint(head, uptd, companion, start=today, end=today + timedelta(days=5))
    assert policies.is_agency_head(companion, uptd.pk)
    with time_machine.travel(morning(today + timedelta(days=2)), tick=False):
        with pytest.raises(ActionNotAllowed, match=str(services.ACTING_HEAD_END_NOT_ALLOWED)):
            services.acting_head_end(actor=fresh(companion), acting_head=acting)
        # the head is back two days later
        services.acting_head_end(actor=fresh(head), acting_head=acting)
        assert not policies.is_agency_head(fresh(companion), uptd.pk)
        with pytest.raises(ApplicationError, match=str(services.ACTING_HEAD_ALREADY_ENDED)):
            services.acting_head_end(actor=fresh(head), acting_head=acting)
    acting.refresh_from_db()
    assert acting.ended_on == today + timedelta(days=2) and acting.ended_by == head
    assert acting.history.count() == 2
    assert policies.acts_as_head_how(companion, uptd.pk, at=today + timedelta(days=1)) == policies.ACTING_HEAD
    assert policies.acts_as_head_how(companion, uptd.pk, at=today + timedelta(days=2)) is None


def test_the_acting_head_loses_it_with_their_membership(uptd):
    from agencies.services import membership_end

    head = member(uptd, Role.HEAD)
    companion = member(uptd, Role.PENDAMPING)
    appoint(head, uptd, companion)
    assert policies.is_agency_head(companion, uptd.pk)
    membership_end(actor=head, membership=companion.memberships.get(),
                   on=timezone.localdate() - timedelta(days=1))
    assert not policies.is_agency_head(fresh(companion), uptd.pk)
    assert companion not in agency_heads(agency=uptd)


def test_an_acting_head_signs_in_with_totp_like_a_head(uptd, login_verified):
    head = member(uptd, Role.HEAD)
    companion = member(uptd, Role.PENDAMPING)
    client = Client()
    client.force_login(companion)
    assert client.get(reverse("home")).status_code == 200
    assert not user_context(fresh(companion)).needs_totp

    appoint(head, uptd, companion)
    assert user_context(fresh(companion)).needs_totp
    resp = client.get(reverse("home"))
    assert resp.status_code == 302 and resp.url.startswith(reverse("otp-verify"))
    login_verified(client, companion)
    page = client.get(reverse("home")).content.decode()
    assert "Anda Plt. kepala UPTD PPA Uji hari ini." in page


def test_the_heads_page_appoints_and_ends_through_the_service(uptd, polres, login_verified):
    head = member(uptd, Role.HEAD)
    companion = member(uptd, Role.PENDAMPING)
    client = Client()
    login_verified(client, head)
    home = client.get(reverse("home")).content.decode()
    assert reverse("acting-heads") in home

    page = client.get(reverse("acting-heads"))
    assert page.status_code == 200 and companion.display_name in page.content.decode()
    today = timezone.localdate()
    form = {"agency": uptd.pk, "user": companion.pk, "start": today.isoformat(),
            "end": (today + timedelta(days=3)).isoformat(), "reference": ORDER}
    # bad input: an end before the start is refused with the rule, nothing saved
    bad = client.post(reverse("acting-heads"), {**form, "end": (today - timedelta(days=1)).isoformat()})
    assert bad.status_code == 400 and str(services.ACTING_HEAD_PERIOD_INVALID) in bad.content.decode()
    assert not ActingHead.objects.exists()
    resp = client.post(reverse("acting-heads"), form)
    assert resp.status_code == 302
    acting = ActingHead.objects.get()
    assert (acting.user, acting.granted_by, acting.history.get().history_user) == (companion, head, head)

    # the acting head does not appoint: the page is 403 for them, and for staff
    acting_client = Client()
    login_verified(acting_client, companion)
    assert acting_client.get(reverse("acting-heads")).status_code == 403
    assert acting_client.post(reverse("acting-head-end", args=[acting.pk])).status_code == 404
    # another agency's head cannot end it (404, as a missing one)
    other = Client()
    login_verified(other, member(polres, Role.HEAD))
    assert other.post(reverse("acting-head-end", args=[acting.pk])).status_code == 404
    assert other.post(reverse("acting-head-end", args=[999_999])).status_code == 404

    assert client.post(reverse("acting-head-end", args=[acting.pk])).status_code == 302
    acting.refresh_from_db()
    assert acting.ended_on == today and acting.ended_by == head


def test_the_admin_appoints_through_the_service(uptd, login_verified):
    companion = member(uptd, Role.PENDAMPING)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    login_verified(client, superuser)
    url = reverse("admin:agencies_actinghead_add")
    today = timezone.localdate()
    form = {"agency": uptd.pk, "user": companion.pk, "start": today.isoformat(),
            "end": (today + timedelta(days=2)).isoformat(), "reference": ORDER}
    refused = client.post(url, {**form, "user": member(uptd, Role.TP_ANGGOTA).pk})
    assert refused.status_code == 200 and str(services.ACTING_HEAD_NOT_MEMBER) in refused.content.decode()
    assert not ActingHead.objects.exists()
    assert client.post(url, form).status_code == 302
    acting = ActingHead.objects.get()
    assert acting.granted_by == superuser and policies.is_agency_head(fresh(companion), uptd.pk)
    # ended from the list by the admin action, through the service
    resp = client.post(reverse("admin:agencies_actinghead_changelist"),
                       {"action": "end_today", "_selected_action": [acting.pk]})
    assert resp.status_code == 302
    acting.refresh_from_db()
    assert acting.ended_on == today and acting.ended_by == superuser
