"""Access per case (docs/access.md §1–3): each rule proved with its opposite."""

from datetime import timedelta

import pytest
import time_machine
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from cases import selectors, services
from cases.models import AccessLevel, CaseEvent, EventType
from cases.policies import case_access_level
from common.errors import ActionNotAllowed, ApplicationError
from common.models import AccessAction, AccessLog
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_receiving_agency_head_and_admin_get_full_other_staff_summary(uptd, open_case):
    case = open_case(uptd)
    assert case_access_level(member(uptd, Role.HEAD), case) == AccessLevel.FULL
    assert case_access_level(member(uptd, Role.ADMIN_OFFICER), case) == AccessLevel.FULL
    assert case_access_level(member(uptd, Role.KONSELOR), case) == AccessLevel.SUMMARY


def test_assigned_staff_get_full_and_lose_it_when_assignment_ends(uptd, open_case):
    case = open_case(uptd)
    head = member(uptd, Role.HEAD)
    companion = member(uptd, Role.PENDAMPING)
    assignment = services.case_assign(actor=head, case=case, user=companion, role=Role.PENDAMPING)
    assert case_access_level(companion, case) == AccessLevel.FULL
    assert CaseEvent.objects.filter(case=case, event_type=EventType.CASE_ASSIGNED).count() == 1
    services.case_assignment_end(actor=head, assignment=assignment, reason="service_done")
    assert case_access_level(companion, case) == AccessLevel.SUMMARY
    ended = CaseEvent.objects.get(case=case, event_type=EventType.CASE_ASSIGNMENT_ENDED)
    assert ended.payload == {"user_id": companion.pk, "role": Role.PENDAMPING, "reason": "service_done"}
    assignment.refresh_from_db()
    assert assignment.ended_at is not None


def test_an_ended_assignment_cannot_end_twice_and_history_keeps_it(uptd, open_case):
    case = open_case(uptd)
    head = member(uptd, Role.HEAD)
    companion = member(uptd, Role.PENDAMPING)
    assignment = services.case_assign(actor=head, case=case, user=companion, role=Role.PENDAMPING)
    services.case_assignment_end(actor=head, assignment=assignment, reason="service_done")
    with pytest.raises(ApplicationError, match=str(services.ASSIGNMENT_ALREADY_ENDED)):
        services.case_assignment_end(actor=head, assignment=assignment, reason="service_done")
    assert CaseEvent.objects.filter(case=case, event_type=EventType.CASE_ASSIGNMENT_ENDED).count() == 1
    states = list(assignment.history.order_by("history_date").values_list("ended_at", flat=True))
    assert states[0] is None and states[-1] is not None
    assert assignment.history.order_by("history_date").last().history_user == head
    # Assigned again later: a new assignment, FULL again.
    services.case_assign(actor=head, case=case, user=companion, role=Role.PENDAMPING)
    assert case_access_level(companion, case) == AccessLevel.FULL


def test_reassigning_a_complaint_ends_the_previous_assignees_full_access_at_once(uptd):
    from cases.intake.services import complaint_assign, complaint_register
    from tests.intake.helpers import complaint_input

    admin = member(uptd, Role.ADMIN_OFFICER)
    first, second = member(uptd, Role.PENDAMPING), member(uptd, Role.KONSELOR)
    complaint = complaint_register(actor=admin, receiving_agency=uptd, data=complaint_input(),
                                   assignee=first)
    case = complaint.case
    assert case_access_level(first, case) == AccessLevel.FULL
    assert case_access_level(second, case) == AccessLevel.SUMMARY

    complaint_assign(actor=admin, complaint=complaint, assignee=second)

    assert case_access_level(first, case) == AccessLevel.SUMMARY
    assert case_access_level(second, case) == AccessLevel.FULL
    with pytest.raises(Http404):
        selectors.case_get_for_user(user=first, id=case.pk, level=AccessLevel.FULL)
    ended = CaseEvent.objects.get(case=case, event_type=EventType.CASE_ASSIGNMENT_ENDED)
    assert ended.payload == {"user_id": first.pk, "role": "complaint_assignee", "reason": "reassigned"}
    assert ended.actor == admin


def test_a_previous_assignee_keeps_access_while_answering_for_another_complaint_of_the_case(uptd):
    from cases.intake.services import complaint_assign, complaint_register
    from tests.intake.helpers import complaint_input

    admin = member(uptd, Role.ADMIN_OFFICER)
    first, second = member(uptd, Role.PENDAMPING), member(uptd, Role.KONSELOR)
    one = complaint_register(actor=admin, receiving_agency=uptd, data=complaint_input(), assignee=first)
    two = complaint_register(actor=admin, receiving_agency=uptd, data=complaint_input(), assignee=first,
                             join_case=one.case)

    complaint_assign(actor=admin, complaint=one, assignee=second)
    assert case_access_level(first, one.case) == AccessLevel.FULL
    assert case_access_level(second, one.case) == AccessLevel.FULL
    assert not CaseEvent.objects.filter(case=one.case, event_type=EventType.CASE_ASSIGNMENT_ENDED).exists()

    complaint_assign(actor=admin, complaint=two, assignee=second)
    assert case_access_level(first, one.case) == AccessLevel.SUMMARY
    assert case_access_level(second, one.case) == AccessLevel.FULL
    assert CaseEvent.objects.filter(case=one.case, event_type=EventType.CASE_ASSIGNMENT_ENDED).count() == 1


def test_other_agency_sees_nothing_without_a_grant(uptd, polres, open_case, client):
    case = open_case(uptd)
    investigator = member(polres, Role.INVESTIGATOR)
    with pytest.raises(Http404):
        selectors.case_get_for_user(user=investigator, id=case.pk)
    client.force_login(investigator)
    resp = client.get(reverse("cases:detail", args=[case.pk]))
    assert resp.status_code == 404
    assert case.number not in resp.content.decode()
    api = client.get(f"/api/cases/{case.pk}/")
    assert api.status_code == 404 and case.number not in api.content.decode()
    assert case not in selectors.case_list(user=investigator)


def test_missing_and_not_yours_answer_the_same(uptd, polres, open_case):
    case = open_case(uptd)
    investigator = member(polres, Role.INVESTIGATOR)
    for pk in (case.pk, case.pk + 10_000, "abc"):
        with pytest.raises(Http404):
            selectors.case_get_for_user(user=investigator, id=pk)


def test_grant_gives_its_level_and_revoking_stops_access_at_once(uptd, rsud, open_case):
    case = open_case(uptd)
    head = member(uptd, Role.HEAD)
    nurse = member(rsud, Role.HEALTH_WORKER)
    grant = services.case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.SERVICE)
    assert case_access_level(nurse, case) == AccessLevel.SERVICE
    assert selectors.case_get_for_user(user=nurse, id=case.pk, level=AccessLevel.SERVICE)
    with pytest.raises(Http404):
        selectors.case_get_for_user(user=nurse, id=case.pk, level=AccessLevel.FULL)

    services.case_revoke_access(actor=head, grant=grant, reason="Layanan visum selesai")
    with pytest.raises(Http404):
        selectors.case_get_for_user(user=nurse, id=case.pk)
    # Revoking keeps the history: granted, then revoked.
    states = list(grant.history.order_by("history_date").values_list("revoked_at", flat=True))
    assert states[0] is None and states[-1] is not None
    types = list(CaseEvent.objects.filter(case=case).values_list("event_type", flat=True))
    assert EventType.ACCESS_GRANTED in types and EventType.ACCESS_REVOKED in types


def test_expired_temporary_grant_stops_access_without_any_job(uptd, rsud, open_case):
    case = open_case(uptd)
    head = member(uptd, Role.HEAD)
    nurse = member(rsud, Role.HEALTH_WORKER)
    services.case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.SERVICE,
                               expires_at=timezone.now() + timedelta(hours=2))
    assert selectors.case_get_for_user(user=nurse, id=case.pk)
    # The database clock decides (Now()), so move the grant's expiry into the past.
    grant = case.grants.get()
    grant.expires_at = timezone.now() - timedelta(seconds=1)
    grant.save()
    with pytest.raises(Http404):
        selectors.case_get_for_user(user=nurse, id=case.pk)


def test_only_the_receiving_head_may_grant(uptd, rsud, open_case):
    case = open_case(uptd)
    with pytest.raises(ActionNotAllowed):
        services.case_grant_access(actor=member(uptd, Role.KONSELOR), case=case, agency=rsud,
                                   level=AccessLevel.SERVICE)
    with pytest.raises(ActionNotAllowed):
        services.case_grant_access(actor=member(rsud, Role.HEAD), case=case, agency=rsud,
                                   level=AccessLevel.SERVICE)
    with pytest.raises(ApplicationError, match=str(services.GRANT_OWN_AGENCY)):
        services.case_grant_access(actor=member(uptd, Role.HEAD), case=case, agency=uptd,
                                   level=AccessLevel.SERVICE)
    assert not case.grants.exists()


def test_ministry_viewer_and_system_admin_get_no_case_access(uptd, open_case):
    case = open_case(uptd)
    viewer = member(uptd, Role.MINISTRY_VIEWER)
    admin = member(uptd, Role.SYSTEM_ADMIN)
    for user in (viewer, admin):
        assert case_access_level(user, case) == AccessLevel.NONE
        assert not selectors.case_list(user=user).exists()


def test_team_member_sees_summary_only(uptd, open_case):
    case = open_case(uptd)
    ketua = member(uptd, Role.TP_ANGGOTA)
    assert case_access_level(ketua, case) == AccessLevel.SUMMARY


def test_ended_membership_ends_access(uptd, open_case):
    case = open_case(uptd)
    officer = member(uptd, Role.ADMIN_OFFICER)
    m = officer.memberships.get()
    m.valid_until = timezone.localdate() - timedelta(days=1)
    m.valid_from = m.valid_until - timedelta(days=30)
    m.save()
    officer = type(officer).objects.get(pk=officer.pk)
    assert case_access_level(officer, case) == AccessLevel.NONE


def test_has_perm_agrees_with_the_policies(uptd, rsud, open_case):
    case = open_case(uptd)
    head = member(uptd, Role.HEAD)
    nurse = member(rsud, Role.HEALTH_WORKER)
    assert not nurse.has_perm("cases.access_case", case)
    grant = services.case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.SUMMARY)
    nurse = type(nurse).objects.get(pk=nurse.pk)
    assert nurse.has_perm("cases.access_case", case)
    services.case_revoke_access(actor=head, grant=grant, reason="selesai dirujuk")
    nurse = type(nurse).objects.get(pk=nurse.pk)
    assert not nurse.has_perm("cases.access_case", case)


# --- identity reveal (break-the-glass) ----------------------------------------------------------

def test_full_access_reveal_is_logged_once(uptd, open_case, client):
    case = open_case(uptd)
    officer = member(uptd, Role.ADMIN_OFFICER)
    client.force_login(officer)
    resp = client.post(reverse("cases:reveal", args=[case.pk]))
    name = case.victims.get().full_name
    assert resp.status_code == 200 and name in resp.content.decode()
    logs = AccessLog.objects.filter(case=case, action=AccessAction.REVEAL_IDENTITY)
    assert logs.count() == 1 and logs.get().user == officer


def test_reveal_below_full_without_reason_is_refused(uptd, rsud, open_case, client, login_verified):
    case = open_case(uptd)
    services.case_grant_access(actor=member(uptd, Role.HEAD), case=case, agency=rsud,
                               level=AccessLevel.SERVICE)
    rsud_head = member(rsud, Role.HEAD)
    with pytest.raises(ApplicationError, match=str(services.REVEAL_REASON_REQUIRED)):
        services.identity_reveal(actor=rsud_head, case=case, reason="")
    login_verified(client, rsud_head)
    resp = client.post(reverse("cases:reveal", args=[case.pk]), {"reason": ""})
    assert resp.status_code == 400
    assert case.victims.get().full_name not in resp.content.decode()
    assert not AccessLog.objects.filter(action=AccessAction.REVEAL_IDENTITY).exists()


def test_reveal_below_full_with_reason_is_logged_and_on_the_timeline(uptd, rsud, open_case):
    case = open_case(uptd)
    services.case_grant_access(actor=member(uptd, Role.HEAD), case=case, agency=rsud,
                               level=AccessLevel.SERVICE)
    rsud_head = member(rsud, Role.HEAD)
    victims = services.identity_reveal(actor=rsud_head, case=case,
                                       reason="Korban tiba di IGD, perlu identitas untuk rekam medis")
    assert victims[0].full_name
    log = AccessLog.objects.get(action=AccessAction.REVEAL_IDENTITY)
    assert log.reason.startswith("Korban tiba") and log.level == "service"
    assert CaseEvent.objects.filter(case=case, event_type=EventType.IDENTITY_REVEALED).count() == 1


def test_reveal_below_full_is_refused_to_roles_not_in_the_table(uptd, rsud, open_case):
    case = open_case(uptd)
    services.case_grant_access(actor=member(uptd, Role.HEAD), case=case, agency=rsud,
                               level=AccessLevel.SERVICE)
    with pytest.raises(ActionNotAllowed):
        services.identity_reveal(actor=member(rsud, Role.HEALTH_WORKER), case=case,
                                 reason="ingin tahu saja, tanpa dasar")
    assert not AccessLog.objects.filter(action=AccessAction.REVEAL_IDENTITY).exists()


def test_case_detail_view_is_logged(uptd, open_case, client):
    case = open_case(uptd)
    client.force_login(member(uptd, Role.KONSELOR))
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    log = AccessLog.objects.get(action=AccessAction.VIEW)
    assert log.case == case and log.level == "summary"


def test_summary_user_sees_initials_not_name(uptd, open_case, client):
    case = open_case(uptd, initials="SN")
    client.force_login(member(uptd, Role.KONSELOR))
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "SN" in page and case.victims.get().full_name not in page


# --- lists: constant queries ---------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/kasus/", "/api/cases/"])
def test_case_list_query_count_is_constant(uptd, rsud, open_case, client,
                                           django_assert_max_num_queries, path,
                                           login_verified):
    head = member(uptd, Role.HEAD)
    login_verified(client, head)

    def count_for(n):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        while uptd.received_cases.count() < n:
            c = open_case(uptd, actor=head)
            services.case_grant_access(actor=head, case=c, agency=rsud, level=AccessLevel.SUMMARY)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    small, large = count_for(2), count_for(30)
    assert small == large
    with django_assert_max_num_queries(12):
        client.get(path)


def test_numbers_are_unique_per_year_and_sequential(uptd, open_case):
    with time_machine.travel("2026-03-01 10:00 +0700", tick=False):
        a, b = open_case(uptd), open_case(uptd)
    assert a.number.startswith("PPA-2026-") and int(b.number[-6:]) == int(a.number[-6:]) + 1
