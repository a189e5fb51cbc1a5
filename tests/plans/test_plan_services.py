"""R11 (SKB E.1.d, E.3.c, E.4.b): the case conference produces a plan version; the coordinating
agency's head approves it; each agency's service items move through their lifecycle; access follows
the approved plan, one grant per source."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import Role
from cases.models import AccessLevel, CaseEvent, CaseGrant, GrantSource
from cases.policies import case_access_level
from common.errors import ActionNotAllowed, ApplicationError
from plans import events, lifecycle
from plans import services as plans
from plans.models import (
    CaseConference,
    ItemStatus,
    Plan,
    PlanVersion,
    PlanVersionStatus,
    ServiceItem,
)
from plans.services import AttendeeInput, conference_record
from tests.factories import AgencyFactory, member
from tests.meetings.helpers import register

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def add(actor, case, service, agency, **kw):
    kw.setdefault("role", "lead")
    kw.setdefault("planned_start", today())
    return plans.item_add(actor=actor, case=case, service=service, agency=agency, **kw)


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def active_plan_grant(case, agency):
    return CaseGrant.objects.filter(content_object=case, group=agency.group, source=GrantSource.PLAN,
                                    revoked_at__isnull=True).first()


# --- the conference and the versions -----------------------------------------------------------

def test_a_conference_after_the_signed_decision_opens_a_draft_version_1(conference, selected, uptd):
    plan = Plan.objects.get(case=selected)
    assert conference.decision is not None and not conference.provisional
    assert plan.coordinator_agency == uptd
    assert [a.position for a in conference.attendees.all()] == ["Kepala UPTD", "Dokter forensik", "Penyidik",
                                                                 "Advokat"]
    (version,) = plan.versions.all()
    assert version.number == 1 and version.status == PlanVersionStatus.DRAFT and not version.provisional
    ev = CaseEvent.objects.get(case=selected, event_type=events.CONFERENCE_RECORDED)
    assert ev.payload == {"conference": conference.pk, "version": version.pk,
                          "held_on": today().isoformat(), "provisional": False,
                          "decision": conference.decision_id,
                          "agencies": ["lbh-uji", "polres-uji", "rsud-uji", "uptd-uji"]}
    assert "Advokat" not in str(ev.payload) and "Visum" not in str(ev.payload)


def test_a_case_not_selected_has_no_conference_and_nothing_is_saved(uptd, people):
    c = register(uptd, name="Budi Dua", nik="")
    with pytest.raises(ApplicationError, match=re.escape(str(plans.NO_DECISION))):
        conference_record(actor=people["officer"], case=c.case, held_on=today(),
                          attendees=[AttendeeInput(uptd, "Kepala UPTD")])
    assert not Plan.objects.exists() and not CaseConference.objects.exists()


def test_an_emergency_awaiting_its_decision_holds_a_provisional_conference(uptd, rsud, people):
    from triage.services import emergency_refer, triage_record

    c = register(uptd, name="Citra Tiga", nik="")
    triage_record(actor=people["uptd_head"], complaint=c, emergency_conditions=["severe_injury"],
                  complexity_conditions=["power_relation"], needs_multiple_services=True, cross_region=False)
    emergency_refer(actor=people["uptd_head"], case=c.case, agencies=[rsud], hours=72)
    conf = conference_record(actor=people["officer"], case=c.case, held_on=today(),
                             attendees=[AttendeeInput(uptd, "Kepala UPTD"), AttendeeInput(rsud, "Dokter")])
    assert conf.decision is None and conf.provisional
    version = PlanVersion.objects.get(plan__case=c.case)
    assert version.provisional and version.is_draft


@pytest.mark.parametrize("bad, field", [
    ({"attendees": []}, "attendees"),
    ({"attendees": "blank-position"}, "attendees"),
    ({"held_on": "tomorrow"}, "held_on"),
])
def test_a_conference_without_attendees_positions_or_with_a_future_date_is_refused(selected, people, uptd,
                                                                                      bad, field):
    kw = {"attendees": [AttendeeInput(uptd, "Kepala UPTD")], "held_on": today()}
    if bad.get("attendees") == "blank-position":
        kw["attendees"] = [AttendeeInput(uptd, "  ")]
    elif "attendees" in bad:
        kw["attendees"] = []
    if bad.get("held_on") == "tomorrow":
        kw["held_on"] = today() + timedelta(days=1)
    with pytest.raises(ApplicationError) as err:
        conference_record(actor=people["officer"], case=selected, **kw)
    assert err.value.field == field
    assert not CaseConference.objects.exists() and not PlanVersion.objects.exists()


def test_only_the_coordinating_agency_or_the_case_coordinator_records_a_conference(selected, people, team,
                                                                                     uptd):
    with pytest.raises(ActionNotAllowed):
        conference_record(actor=people["nurse"], case=selected, held_on=today(),
                          attendees=[AttendeeInput(uptd, "Kepala UPTD")])
    assert not CaseConference.objects.exists()
    conf = conference_record(actor=team.ketua, case=selected, held_on=today(),
                             attendees=[AttendeeInput(uptd, "Kepala UPTD")])
    assert conf.recorded_by == team.ketua


# --- service items --------------------------------------------------------------------------------

def test_items_from_the_catalogue_with_role_dates_or_frequency(conference, selected, catalogue, people,
                                                               rsud, lbh):
    item = add(people["officer"], selected, catalogue["visum"], rsud, officer=people["nurse"],
               planned_end=today() + timedelta(days=3))
    weekly = add(people["officer"], selected, catalogue["hukum"], lbh, role="support",
                 planned_start=None, frequency="Setiap sidang")
    assert item.status == ItemStatus.PLANNED and item.officer == people["nurse"]
    assert weekly.frequency == "Setiap sidang" and weekly.role == "support"
    ev = CaseEvent.objects.filter(case=selected, event_type=events.SERVICE_ITEM_ADDED).order_by("id").first()
    assert ev.payload == {"version": item.version_id, "item": item.pk, "agency": "rsud-uji",
                          "service": "visum", "role": "lead", "off_catalogue": False}


def test_an_agency_that_does_not_provide_the_service_is_warned_and_allowed_with_a_reason(
        conference, selected, catalogue, people, polres):
    with pytest.raises(ApplicationError, match="tidak menyediakan layanan") as err:
        add(people["officer"], selected, catalogue["visum"], polres)
    assert err.value.field == "off_catalogue_reason" and not ServiceItem.objects.exists()
    item = add(people["officer"], selected, catalogue["visum"], polres,
               off_catalogue_reason="Dokpol Polres yang melakukan visum")
    assert item.off_catalogue_reason == "Dokpol Polres yang melakukan visum"


def test_an_item_for_an_agency_outside_the_plan_is_refused_and_nothing_saved(conference, selected,
                                                                              catalogue, people):
    outsider = AgencyFactory(code="dinsos-uji", name="Dinsos Uji", kind="social_service")
    versions = PlanVersion.objects.count()
    with pytest.raises(ApplicationError, match=re.escape(str(plans.AGENCY_NOT_IN_PLAN))):
        add(people["officer"], selected, catalogue["visum"], outsider, off_catalogue_reason="x")
    assert not ServiceItem.objects.exists() and PlanVersion.objects.count() == versions


@pytest.mark.parametrize("kw, field", [
    ({"planned_start": None}, "planned_start"),
    ({"planned_end": "before"}, "planned_end"),
    ({"role": "boss"}, "role"),
    ({"officer": "outsider"}, "officer"),
])
def test_bad_item_input_is_refused_on_its_field(conference, selected, catalogue, people, rsud, kw, field):
    if kw.get("planned_end") == "before":
        kw["planned_end"] = today() - timedelta(days=1)
    if kw.get("officer") == "outsider":
        kw["officer"] = people["investigator"]
    with pytest.raises(ApplicationError) as err:
        add(people["officer"], selected, catalogue["visum"], rsud, **kw)
    assert err.value.field == field and not ServiceItem.objects.exists()


# --- approval, new versions ----------------------------------------------------------------------

def test_only_the_coordinating_head_approves(conference, selected, catalogue, people, rsud, team):
    add(people["officer"], selected, catalogue["visum"], rsud)
    draft = PlanVersion.objects.get()
    for who in (people["officer"], people["rsud_head"], team.ketua):
        with pytest.raises(ActionNotAllowed):
            plans.plan_approve(actor=who, version=draft)
    draft.refresh_from_db()
    assert draft.is_draft and draft.approved_by is None
    assert not CaseEvent.objects.filter(event_type=events.PLAN_APPROVED).exists()
    plans.plan_approve(actor=people["uptd_head"], version=draft)
    draft.refresh_from_db()
    assert draft.status == PlanVersionStatus.APPROVED and draft.approved_by == people["uptd_head"]
    with pytest.raises(ApplicationError, match=re.escape(str(plans.NOT_DRAFT))):
        plans.plan_approve(actor=people["uptd_head"], version=draft)


def test_an_empty_plan_is_not_approved(conference, people):
    with pytest.raises(ApplicationError, match=re.escape(str(plans.EMPTY_PLAN))):
        plans.plan_approve(actor=people["uptd_head"], version=PlanVersion.objects.get())


def test_an_item_added_to_an_approved_plan_makes_a_new_draft_and_the_old_one_stays(conference, selected,
                                                                                   catalogue, people, rsud,
                                                                                   polres):
    first = add(people["officer"], selected, catalogue["visum"], rsud)
    v1 = plans.plan_approve(actor=people["uptd_head"], version=first.version)
    second = add(people["officer"], selected, catalogue["penyidikan"], polres)
    v2 = second.version
    assert v2.number == 2 and v2.is_draft and v2.pk != v1.pk
    assert [i.service.code for i in v2.items.all()] == ["visum", "penyidikan"]
    assert [i.service.code for i in v1.items.all()] == ["visum"]
    assert CaseEvent.objects.get(event_type=events.PLAN_VERSION_OPENED, payload__number=2).payload[
        "cause"] == "change"
    # A later conference takes over the open draft; after approval it opens version 3.
    plans.plan_approve(actor=people["uptd_head"], version=v2)
    conference_record(actor=people["officer"], case=selected, held_on=today(),
                      attendees=[AttendeeInput(rsud, "Dokter")])
    v3 = PlanVersion.objects.get(number=3)
    assert v3.is_draft and v3.conference.held_on == today() and v3.items.count() == 2


# --- the item lifecycle ----------------------------------------------------------------------------

@pytest.fixture
def approved_item(conference, selected, catalogue, people, rsud):
    item = add(people["officer"], selected, catalogue["visum"], rsud)
    plans.plan_approve(actor=people["uptd_head"], version=item.version)
    item.refresh_from_db()
    return item


def test_planned_in_progress_delivered(approved_item, people, selected):
    nurse = fresh(people["nurse"])
    plans.item_status_set(actor=nurse, item=approved_item, to=ItemStatus.IN_PROGRESS)
    plans.item_status_set(actor=nurse, item=approved_item, to=ItemStatus.DELIVERED)
    approved_item.refresh_from_db()
    assert approved_item.status == ItemStatus.DELIVERED
    moves = [e.payload for e in
             CaseEvent.objects.filter(event_type=events.SERVICE_ITEM_STATUS).order_by("id")]
    assert moves == [{"item": approved_item.pk, "agency": "rsud-uji", "from": "planned", "to": "in_progress"},
                     {"item": approved_item.pk, "agency": "rsud-uji", "from": "in_progress",
                      "to": "delivered"}]


@pytest.mark.parametrize("start", [ItemStatus.PLANNED, ItemStatus.IN_PROGRESS])
def test_cancel_needs_a_reason_from_planned_or_in_progress(approved_item, people, start):
    nurse = fresh(people["nurse"])
    if start == ItemStatus.IN_PROGRESS:
        plans.item_status_set(actor=nurse, item=approved_item, to=start)
    with pytest.raises(ApplicationError, match=re.escape(str(lifecycle.CANCEL_REASON_REQUIRED))):
        plans.item_status_set(actor=nurse, item=approved_item, to=ItemStatus.CANCELLED, reason="  ")
    approved_item.refresh_from_db()
    assert approved_item.status == start
    plans.item_status_set(actor=nurse, item=approved_item, to=ItemStatus.CANCELLED, reason="Korban menolak")
    approved_item.refresh_from_db()
    assert approved_item.status == ItemStatus.CANCELLED and approved_item.cancel_reason == "Korban menolak"


@pytest.mark.parametrize("from_, to", [
    (f, t) for f in ItemStatus.values for t in ItemStatus.values
    if not lifecycle.item_status_allowed(f, t)])
def test_every_transition_outside_the_table_is_refused(from_, to):
    with pytest.raises(ApplicationError) as err:
        lifecycle.item_status_check(from_=from_, to=to, reason="alasan")
    assert err.value.field == "status"


def test_the_table_is_the_one_in_the_issue():
    assert {(f, t) for f in ItemStatus.values for t in ItemStatus.values
            if lifecycle.item_status_allowed(f, t)} == {
        ("planned", "in_progress"), ("planned", "cancelled"), ("in_progress", "delivered"),
        ("in_progress", "cancelled")}


def test_another_agency_does_not_move_an_item_not_its_own(approved_item, people):
    with pytest.raises(ActionNotAllowed):
        plans.item_status_set(actor=people["lbh_staff"], item=approved_item, to=ItemStatus.IN_PROGRESS)
    approved_item.refresh_from_db()
    assert approved_item.status == ItemStatus.PLANNED


def test_an_item_of_a_draft_or_superseded_version_does_not_move(approved_item, people, selected, catalogue,
                                                                 polres):
    add(people["officer"], selected, catalogue["penyidikan"], polres)
    draft = PlanVersion.objects.get(number=2)
    copy = draft.items.get(service__code="visum")
    with pytest.raises(ApplicationError, match=re.escape(str(plans.NOT_CURRENT))):
        plans.item_status_set(actor=fresh(people["nurse"]), item=copy, to=ItemStatus.IN_PROGRESS)
    # Moving the approved item moves its copy in the draft too.
    plans.item_status_set(actor=fresh(people["nurse"]), item=approved_item, to=ItemStatus.IN_PROGRESS)
    copy.refresh_from_db()
    assert copy.status == ItemStatus.IN_PROGRESS
    plans.plan_approve(actor=people["uptd_head"], version=draft)
    with pytest.raises(ApplicationError, match=re.escape(str(plans.NOT_CURRENT))):
        plans.item_status_set(actor=fresh(people["nurse"]), item=approved_item, to=ItemStatus.DELIVERED)


# --- access follows the plan (grants per source) ----------------------------------------------------

def test_an_agency_named_in_the_approved_plan_gets_service_access_from_the_plan(conference, selected,
                                                                                 catalogue, people, polres):
    item = add(people["officer"], selected, catalogue["penyidikan"], polres)
    assert case_access_level(fresh(people["investigator"]), selected) < AccessLevel.SERVICE
    assert active_plan_grant(selected, polres) is None  # a draft gives nothing
    plans.plan_approve(actor=people["uptd_head"], version=item.version)
    grant = active_plan_grant(selected, polres)
    plan = Plan.objects.get(case=selected)
    assert grant.level == AccessLevel.SERVICE and grant.source_ref == plan.grant_ref
    assert case_access_level(fresh(people["investigator"]), selected) == AccessLevel.SERVICE


def test_removing_an_agency_from_the_plan_ends_only_the_plan_grant(conference, selected, catalogue, people,
                                                                   rsud, polres):
    visum = add(people["officer"], selected, catalogue["visum"], rsud)
    add(people["officer"], selected, catalogue["penyidikan"], polres)
    v1 = plans.plan_approve(actor=people["uptd_head"], version=visum.version)
    assert active_plan_grant(selected, rsud) and active_plan_grant(selected, polres)
    for code in ("visum", "penyidikan"):
        draft = plans.item_remove(actor=people["officer"], item=PlanVersion.objects.order_by(
            "-number").first().items.get(service__code=code))
    assert draft.number == 2 and draft.items.count() == 0
    add(people["officer"], selected, catalogue["hukum"], conference.attendees.get(position="Advokat").agency)
    plans.plan_approve(actor=people["uptd_head"], version=draft)
    assert active_plan_grant(selected, rsud) is None and active_plan_grant(selected, polres) is None
    # The signed decision's grant to RSUD stays: RSUD keeps service access; the police lose theirs.
    decision_grant = CaseGrant.objects.get(content_object=selected, group=rsud.group,
                                           source=GrantSource.SIGNED_DECISION)
    assert decision_grant.revoked_at is None
    assert case_access_level(fresh(people["nurse"]), selected) == AccessLevel.SERVICE
    assert case_access_level(fresh(people["investigator"]), selected) < AccessLevel.SERVICE
    ended = CaseGrant.objects.get(content_object=selected, group=polres.group, source=GrantSource.PLAN)
    assert ended.revoked_at is not None and "versi 2" in ended.revoke_reason
    # History kept: version 1 still reads with both items.
    assert sorted(i.service.code for i in v1.items.all()) == ["penyidikan", "visum"]


def test_the_receiving_agency_gets_no_plan_grant(approved_item, selected, uptd, people, catalogue):
    add(people["officer"], selected, catalogue["hukum"], uptd, off_catalogue_reason="Advokat UPTD")
    plans.plan_approve(actor=people["uptd_head"], version=PlanVersion.objects.get(number=2))
    assert active_plan_grant(selected, uptd) is None


def test_event_payloads_carry_no_identity_or_free_text(approved_item, selected, people):
    plans.item_status_set(actor=fresh(people["nurse"]), item=approved_item, to=ItemStatus.IN_PROGRESS)
    plans.item_status_set(actor=fresh(people["nurse"]), item=approved_item, to=ItemStatus.CANCELLED,
                          reason="Korban Ani Satu menolak")
    for ev in CaseEvent.objects.filter(case=selected, event_type__gte=700, event_type__lte=799):
        text = str(ev.payload)
        assert "Ani" not in text and "menolak" not in text and "Visum" not in text


def test_an_acting_or_other_head_of_another_agency_cannot_approve(approved_item, people, rsud):
    other_head = member(rsud, Role.HEAD)
    with pytest.raises(ActionNotAllowed):
        plans.plan_approve(actor=other_head, version=approved_item.version)
