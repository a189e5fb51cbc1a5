"""The admin writes through the services (habit 3): a membership or a signing delegation saved in
the admin is the service's write — its history row names the action — and the admin of an
append-only or service-owned record only shows it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import Membership, Role, SigningDelegation
from agencies.services import DELEGATION_ALREADY_REVOKED
from common.admin import ReadOnlyAdmin
from common.models import AccessLog, DeadlineAlert
from documents.models import LetterCounter, LetterNumber, SignedDocument
from meetings.models import (
    ActionItem,
    AgendaItem,
    Decision,
    FollowUp,
    Meeting,
    MeetingSchedule,
    Minutes,
    Screening,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(login_verified):
    client = Client()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    login_verified(client, superuser)
    client.superuser = superuser
    return client


def test_a_membership_added_and_changed_in_the_admin_is_written_by_the_services(admin_client, uptd, polres):
    officer = UserFactory()
    added = admin_client.post(reverse("admin:agencies_membership_add"), {
        "user": officer.pk, "agency": uptd.pk, "role": Role.PENDAMPING, "valid_from": "2026-01-05"})
    assert added.status_code == 302
    membership = Membership.objects.get(user=officer)
    created = membership.history.get()
    assert (created.history_change_reason, created.history_user) == ("membership_create",
                                                                      admin_client.superuser)

    changed = admin_client.post(reverse("admin:agencies_membership_change", args=[membership.pk]), {
        "user": UserFactory().pk, "agency": polres.pk, "role": Role.INVESTIGATOR,
        "valid_from": "2026-01-05", "valid_until": "2026-06-30"})
    assert changed.status_code == 302
    membership.refresh_from_db()
    assert (membership.user, membership.agency, membership.role, membership.valid_until) == (
        officer, polres, Role.INVESTIGATOR, date(2026, 6, 30))  # the person of a membership stays
    latest = membership.history.latest()
    assert (latest.history_change_reason, latest.history_user) == ("membership_update",
                                                                   admin_client.superuser)


def test_a_membership_added_on_the_users_page_is_written_by_the_service(admin_client, uptd):
    officer = UserFactory()
    existing = Membership.objects.create(user=officer, agency=uptd, role=Role.KONSELOR,
                                         valid_from=date(2026, 1, 1))
    page = admin_client.post(reverse("admin:agencies_user_change", args=[officer.pk]), {
        "username": officer.username, "full_name": officer.full_name, "email": officer.email,
        "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "08:00:00",
        "memberships-TOTAL_FORMS": "2", "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": existing.pk, "memberships-0-user": officer.pk, "memberships-0-agency": uptd.pk,
        "memberships-0-role": Role.KONSELOR, "memberships-0-valid_from": "2026-01-01",
        "memberships-0-valid_until": "2026-03-31",
        "memberships-1-user": officer.pk, "memberships-1-agency": uptd.pk, "memberships-1-role": Role.HEAD,
        "memberships-1-valid_from": "2026-04-01", "memberships-1-valid_until": "",
    })
    assert page.status_code == 302, page.content.decode()[:2000]
    ended, head = Membership.objects.filter(user=officer).order_by("valid_from")
    assert ended.valid_until == date(2026, 3, 31) and head.role == Role.HEAD
    assert ended.history.latest().history_change_reason == "membership_update"
    assert head.history.get().history_change_reason == "membership_create"


def test_a_delegation_is_granted_by_the_ketua_not_in_the_admin_and_revoked_by_the_action(admin_client):
    from agencies.services import delegation_grant
    from tests.factories import AgencyFactory, member

    agency = AgencyFactory()
    official, chair = member(agency, Role.TP_ANGGOTA), member(agency, Role.TP_KETUA)
    today = timezone.localdate()
    form = {"official": official.pk, "granted_by": chair.pk, "valid_from": today.isoformat(),
            "valid_until": (today + timedelta(days=30)).isoformat(), "reason": "SK Ketua 7/2026"}
    # Issue 13 point 10: the admin no longer grants (the Ketua does, through the service).
    assert admin_client.post(reverse("admin:agencies_signingdelegation_add"), form).status_code == 403
    assert not SigningDelegation.objects.exists()
    delegation = delegation_grant(actor=chair, official=official, valid_from=today,
                                  valid_until=today + timedelta(days=30), decree_number="7/TP-PPA/2026")
    assert delegation.granted_by == chair and delegation.covers(today)
    assert delegation.history.get().history_change_reason == "delegation_grant"

    admin_client.post(reverse("admin:agencies_signingdelegation_change", args=[delegation.pk]),
                      {**form, "valid_until": (today + timedelta(days=365)).isoformat()})
    delegation.refresh_from_db()
    assert delegation.valid_until == today + timedelta(days=30)

    changelist = reverse("admin:agencies_signingdelegation_changelist")
    admin_client.post(changelist, {"action": "revoke", "_selected_action": [delegation.pk]})
    delegation.refresh_from_db()
    assert delegation.revoked_at is not None and not delegation.covers(today)
    assert delegation.history.latest().history_change_reason == "delegation_revoke"
    again = admin_client.post(changelist, {"action": "revoke", "_selected_action": [delegation.pk]},
                              follow=True)
    assert str(DELEGATION_ALREADY_REVOKED) in again.content.decode()


READ_ONLY = (AccessLog, DeadlineAlert, SignedDocument, LetterCounter, LetterNumber, Meeting, MeetingSchedule,
             Minutes, Screening, AgendaItem, Decision, ActionItem, FollowUp)


def test_every_append_only_or_service_owned_record_has_the_one_read_only_admin():
    for model in READ_ONLY:
        assert isinstance(admin.site._registry.get(model), ReadOnlyAdmin), model.__name__


def test_a_read_only_admin_shows_a_row_without_a_save_button_and_refuses_a_change(admin_client):
    alert = DeadlineAlert.objects.create(rule="complaint_response", subject_id=1, kind="warning",
                                         window=timezone.now())
    url = reverse("admin:common_deadlinealert_change", args=[alert.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.post(url, {"kind": "breach"}).status_code == 403
    assert admin_client.get(reverse("admin:common_deadlinealert_add")).status_code == 403
    alert.refresh_from_db()
    assert alert.kind == "warning"
