"""R9 (SKB E.3.a–b): an emergency starts at once and is formalised at the nearest meeting. The case
keeps its kind on the agenda — confirm or revoke — whatever the screening proposed first."""

from __future__ import annotations

import re

import pytest

from agencies.models import Role
from cases.models import CaseEvent
from common.errors import ApplicationError
from meetings import events, services
from meetings.forms import DecisionForm
from meetings.models import AgendaItem, AgendaKind, DecisionKind
from tests.factories import member
from tests.meetings.helpers import decide, make_meeting, register

pytestmark = pytest.mark.django_db


def make_emergency(agency, complaint, *, refer_to=(), hours=72):
    from triage.services import emergency_refer, triage_record

    head = member(agency, Role.HEAD)
    triage_record(actor=head, complaint=complaint, emergency_conditions=["severe_injury"],
                  complexity_conditions=[], needs_multiple_services=True, cross_region=False,
                  complexity_change_reason="Tidak ada relasi kuasa menurut verifikasi")
    if refer_to:
        emergency_refer(actor=head, case=complaint.case, agencies=list(refer_to), hours=hours)
    complaint.case.refresh_from_db()
    return head


def test_an_emergency_the_screening_proposes_is_an_emergency_item(team, uptd, rsud):
    c = register(uptd, name="Citra Tiga", nik="")
    make_emergency(uptd, c)
    meeting = make_meeting(team)
    services.screening_record(actor=team.sekretaris, meeting=meeting, outcomes={str(c.public_id): "proposed"})
    item = AgendaItem.objects.get(meeting=meeting, case=c.case)
    assert item.kind == AgendaKind.EMERGENCY
    choices = {value for value, _label in DecisionForm(item=item).fields["kind"].choices}
    assert choices == {DecisionKind.EMERGENCY_CONFIRM, DecisionKind.EMERGENCY_REVOKE, DecisionKind.DEFER}
    services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)
    with pytest.raises(ApplicationError, match=re.escape(str(services.DECISION_KIND_INVALID))):
        decide(team, actor=team.sekretaris, meeting=meeting, case=c.case,
                                 kind=DecisionKind.SELECT, serving_agencies=[rsud], coordinator_agency=uptd)


def test_a_case_proposed_before_it_became_an_emergency_gets_the_emergency_options(team, uptd, rsud):
    c = register(uptd, name="Citra Tiga", nik="")
    meeting = make_meeting(team)
    services.screening_record(actor=team.sekretaris, meeting=meeting, outcomes={str(c.public_id): "proposed"})
    make_emergency(uptd, c)
    item = AgendaItem.objects.get(meeting=meeting, case=c.case)
    choices = {value for value, _label in DecisionForm(item=item).fields["kind"].choices}
    assert DecisionKind.EMERGENCY_CONFIRM in choices and DecisionKind.SELECT not in choices
    services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)
    decision = decide(team, actor=team.sekretaris, meeting=meeting, case=c.case,
                                        kind=DecisionKind.EMERGENCY_CONFIRM, serving_agencies=[rsud],
                                        coordinator_agency=uptd)
    assert decision.agenda_item.kind == AgendaKind.EMERGENCY
    assert CaseEvent.objects.filter(case=c.case, event_type=events.AGENDA_EMERGENCY_KEPT).count() == 1


def test_refreshing_the_agenda_turns_a_proposed_emergency_into_an_emergency_item(team, uptd):
    c = register(uptd, name="Citra Tiga", nik="")
    meeting = make_meeting(team)
    services.screening_record(actor=team.sekretaris, meeting=meeting, outcomes={str(c.public_id): "proposed"})
    make_emergency(uptd, c)
    services.agenda_refresh(actor=team.sekretaris, meeting=meeting)
    assert AgendaItem.objects.get(meeting=meeting, case=c.case).kind == AgendaKind.EMERGENCY


# --- not formalised at the nearest held meeting: flagged to the chair ----------------------------

def test_an_emergency_the_meeting_does_not_formalise_is_flagged_to_the_chair(team, uptd):
    from common.models import Notification

    c = register(uptd, name="Citra Tiga", nik="")
    make_emergency(uptd, c)
    meeting = make_meeting(team)
    item = AgendaItem.objects.get(meeting=meeting, case=c.case)
    services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)
    services.agenda_defer(actor=team.sekretaris, item=item, reason="Penyaji berhalangan hadir")
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    told = Notification.objects.get(kind="emergency_unformalised", user=team.ketua)
    assert c.case.number in told.title and "Citra" not in told.title
    from common.notifications import notifications_resolve_done

    assert not notifications_resolve_done([told])[0].is_done  # the case still awaits its decision
    assert CaseEvent.objects.filter(case=c.case, event_type=events.EMERGENCY_NOT_FORMALISED,
                                    payload__meeting=meeting.pk).count() == 1


def test_an_emergency_formalised_at_the_meeting_is_not_flagged(team, uptd, rsud):
    from common.models import Notification

    c = register(uptd, name="Citra Tiga", nik="")
    make_emergency(uptd, c)
    meeting = make_meeting(team)
    services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)
    decide(team, actor=team.sekretaris, meeting=meeting, case=c.case,
                             kind=DecisionKind.EMERGENCY_CONFIRM, serving_agencies=[rsud],
                             coordinator_agency=uptd)
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    assert not Notification.objects.filter(kind="emergency_unformalised").exists()


# --- temporary grants never lapse silently -------------------------------------------------------

def _grants(case):
    from cases.models import CaseGrant, GrantSource

    return CaseGrant.objects.filter(content_object=case, source=GrantSource.EMERGENCY_REFERRAL,
                                    revoked_at__isnull=True)


def test_the_head_is_warned_a_day_before_the_temporary_grants_end_and_extends_them(uptd, rsud, polres):
    from datetime import timedelta

    from django.utils import timezone

    from cases import events as case_events
    from common.errors import ActionNotAllowed
    from common.models import Notification
    from meetings.services.emergencies import emergency_grant_sweep
    from triage.services import EXTEND_NOT_ALLOWED, emergency_grants_extend

    c = register(uptd, name="Citra Tiga", nik="")
    head = make_emergency(uptd, c, refer_to=[rsud, polres], hours=72)
    ends = _grants(c.case).first().expires_at
    assert emergency_grant_sweep(now=ends - timedelta(hours=30)) == {"warned": 0, "held": 0}
    assert emergency_grant_sweep(now=ends - timedelta(hours=23))["warned"] == 2
    warned = Notification.objects.get(kind="emergency_grant_expiring", user=head)
    assert warned.url.startswith(f"/verifikasi/{c.case.pk}/") or str(c.case.pk) in warned.url
    assert c.case.number in warned.title
    assert emergency_grant_sweep(now=ends - timedelta(hours=22)) == {"warned": 0, "held": 0}
    assert Notification.objects.filter(kind="emergency_grant_expiring").count() == 1
    assert CaseEvent.objects.filter(case=c.case, event_type=events.EMERGENCY_GRANT_EXPIRING).count() == 2

    with pytest.raises(ActionNotAllowed, match=re.escape(str(EXTEND_NOT_ALLOWED))):
        emergency_grants_extend(actor=member(uptd, Role.KONSELOR), case=c.case)
    from common.notifications import notifications_resolve_done

    assert not notifications_resolve_done([warned])[0].is_done
    emergency_grants_extend(actor=head, case=c.case)
    assert all(g.expires_at == ends + timedelta(hours=72) for g in _grants(c.case))
    assert notifications_resolve_done([warned])[0].is_done  # the inbox says "Selesai"
    assert CaseEvent.objects.filter(case=c.case, event_type=case_events.ACCESS_EXTENDED,
                                    payload__why="head").count() == 2
    assert timezone.now() < ends


def test_while_the_decision_waits_for_signature_the_grants_are_held_until_the_signing(team, uptd, rsud):
    from datetime import timedelta

    from cases import events as case_events
    from common.models import Notification
    from meetings.services.emergencies import emergency_grant_sweep

    c = register(uptd, name="Citra Tiga", nik="")
    head = make_emergency(uptd, c, refer_to=[rsud], hours=72)
    ends = _grants(c.case).get().expires_at
    meeting = make_meeting(team)
    services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)
    decide(team, actor=team.sekretaris, meeting=meeting, case=c.case,
                             kind=DecisionKind.EMERGENCY_CONFIRM, serving_agencies=[rsud],
                             coordinator_agency=uptd)
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=meeting)
    assert emergency_grant_sweep(now=ends - timedelta(hours=23))["warned"] == 1
    grant = _grants(c.case).get()
    assert grant.expires_at == ends + timedelta(hours=24)
    assert not Notification.objects.filter(kind="emergency_grant_expiring", user=head).exists()
    held = CaseEvent.objects.get(case=c.case, event_type=case_events.ACCESS_EXTENDED)
    assert held.payload["why"] == "minutes_ready"
    # Still unsigned a day later: held again, one more timeline event.
    emergency_grant_sweep(now=ends + timedelta(hours=1))
    assert _grants(c.case).get().expires_at == ends + timedelta(hours=48)
    assert CaseEvent.objects.filter(case=c.case, event_type=case_events.ACCESS_EXTENDED).count() == 2


def test_the_one_click_extension_from_the_warning(client, login_verified, uptd, rsud):
    from datetime import timedelta

    from django.urls import reverse

    c = register(uptd, name="Citra Tiga", nik="")
    head = make_emergency(uptd, c, refer_to=[rsud], hours=72)
    ends = _grants(c.case).get().expires_at
    login_verified(client, head)
    page = client.post(reverse("triage:extend", args=[c.case.pk]), follow=True)
    assert page.status_code == 200 and "diperpanjang" in page.content.decode()
    assert _grants(c.case).get().expires_at == ends + timedelta(hours=72)


def test_the_minutes_page_and_the_case_history_call_an_emergency_item_an_emergency(
        client, login_verified, team, uptd):
    from django.urls import reverse

    c = register(uptd, name="Citra Tiga", nik="")
    meeting = make_meeting(team)
    services.screening_record(actor=team.sekretaris, meeting=meeting, outcomes={str(c.public_id): "proposed"})
    make_emergency(uptd, c)
    assert AgendaItem.objects.get(meeting=meeting, case=c.case).kind == AgendaKind.PROPOSED  # as stored
    emergency, proposed = str(AgendaKind.EMERGENCY.label), str(AgendaKind.PROPOSED.label)
    client.force_login(team.sekretaris)
    minutes = client.get(reverse("meetings:minutes", args=[meeting.pk])).content.decode()
    assert emergency in minutes and proposed not in minutes
    login_verified(client, member(uptd, Role.HEAD))
    history = client.get(reverse("meetings:case-history", args=[c.case.pk])).content.decode()
    assert emergency in history and proposed not in history
