"""Triage services read like SOP and SKB E.3: given a complaint, when it is triaged, then…
Every service writes its CaseEvent in its own transaction (asserted)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone, translation

from agencies.models import Role
from cases.models import AccessLevel, CaseEvent, CaseStatus, EventType, GrantBasis, GrantSource
from cases.policies import case_access_level
from cases.selectors import case_get_for_user
from common.errors import ActionNotAllowed, ApplicationError
from common.models import Notification
from sops.models import SopStepRecord
from tests.factories import member
from tests.triage.conftest import triage_answers
from triage import services
from triage.models import RiskLevel, TriageAssessment

pytestmark = pytest.mark.django_db


def events(case, event_type):
    return CaseEvent.objects.filter(case=case, event_type=event_type)


# --- triage_record --------------------------------------------------------------------------------

def test_triage_records_assessment_moves_case_to_triaged_and_writes_the_event(uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    a = services.triage_record(actor=people["konselor"], complaint=complaint, **triage_answers(
        complexity_conditions=["power_relation"], needs_multiple_services=True))
    assert a.risk_level == a.assessed_risk == RiskLevel.MEDIUM
    assert a.eligible and a.criteria_met == ["scope", "c1", "c2", "c3"]
    assert any("Kriteria 2 terpenuhi" in r["text"] for r in a.explanation)
    case = complaint.case
    case.refresh_from_db()
    assert case.status == CaseStatus.TRIAGED and not case.is_emergency
    ev = events(case, EventType.TRIAGE_RECORDED).get()
    assert ev.actor == people["konselor"] and ev.payload["risk"] == "medium" and ev.payload["eligible"]
    assert events(case, EventType.STATUS_CHANGED).filter(payload__to="triaged").exists()
    assert not events(case, EventType.EMERGENCY_DECLARED).exists()


def test_a_new_triage_replaces_the_old_one_and_history_keeps_both(uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    services.triage_record(actor=people["officer"], complaint=complaint, **triage_answers())
    a = services.triage_record(actor=people["officer"], complaint=complaint,
                               **triage_answers(cross_region=True))
    assert TriageAssessment.objects.filter(complaint=complaint).count() == 1
    assert a.cross_region and a.history.count() == 2
    assert events(complaint.case, EventType.TRIAGE_RECORDED).count() == 2
    assert events(complaint.case, EventType.TRIAGE_RECORDED).last().payload["replaced"] is True


def test_notes_are_encrypted_at_rest(uptd, people, register):
    from django.db import connection

    complaint = register(uptd, actor=people["officer"])
    a = services.triage_record(actor=people["officer"], complaint=complaint,
                               **triage_answers(notes="Catatan rahasia Melati"))
    with connection.cursor() as cur:
        cur.execute("SELECT notes FROM triage_triageassessment WHERE id = %s", [a.pk])
        stored = cur.fetchone()[0]
    assert "Melati" not in stored and stored.startswith("v1:")
    a.refresh_from_db()
    assert a.notes == "Catatan rahasia Melati"


def test_only_receiving_staff_may_triage(uptd, people, register, providers):
    complaint = register(uptd, actor=people["officer"])
    for outsider in (people["investigator"], people["ketua"], people["viewer"], providers["nurse"]):
        with pytest.raises(ActionNotAllowed):
            services.triage_record(actor=outsider, complaint=complaint, **triage_answers())
    assert not TriageAssessment.objects.exists()
    assert not events(complaint.case, EventType.TRIAGE_RECORDED).exists()


def test_unknown_condition_is_refused_and_nothing_saved(uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    with pytest.raises(ValidationError) as exc:
        services.triage_record(actor=people["officer"], complaint=complaint,
                               **triage_answers(emergency_conditions=["bogus"]))
    assert services.CONDITION_UNKNOWN in exc.value.message_dict["emergency_conditions"]
    assert not TriageAssessment.objects.exists()


def test_voided_complaint_cannot_be_triaged(uptd, people, register):
    from cases.intake.services import complaint_void

    complaint = register(uptd, actor=people["officer"])
    complaint_void(actor=people["officer"], complaint=complaint, reason="Pengaduan ganda")
    with pytest.raises(ApplicationError, match=str(services.COMPLAINT_VOIDED)):
        services.triage_record(actor=people["officer"], complaint=complaint, **triage_answers())


def test_no_complaint_is_a_domain_error(people):
    with pytest.raises(ApplicationError, match=str(services.NO_COMPLAINT)):
        services.triage_record(actor=people["officer"], complaint=None, **triage_answers())


# --- emergency: action first ---------------------------------------------------------------------

def test_emergency_marks_case_awaiting_decision_and_notifies_head_chair_and_providers_once(
        uptd, people, register, providers, django_capture_on_commit_callbacks):
    complaint = register(uptd, actor=people["officer"])  # needs: medis, konseling
    with django_capture_on_commit_callbacks() as queued:
        a = services.triage_record(actor=people["officer"], complaint=complaint,
                                   **triage_answers(emergency_conditions=["severe_injury"]))
    assert a.is_emergency and a.risk_level == RiskLevel.EMERGENCY
    case = complaint.case
    case.refresh_from_db()
    assert case.is_emergency and case.awaiting_formal_decision
    assert case.status == CaseStatus.AWAITING_DECISION
    declared = events(case, EventType.EMERGENCY_DECLARED).get()
    assert declared.payload["needs"] == ["medis", "konseling"]

    notified = set(Notification.objects.filter(case=case).values_list("user__username", flat=True))
    expected = {people["head"].username, people["ketua"].username, providers["nurse"].username,
                providers["social_worker"].username}
    assert notified == expected
    # Legal aid offers no needed service; the police, the viewer and the officer are not told.
    assert providers["lawyer"].username not in notified
    titles = list(Notification.objects.filter(case=case).values_list("title", flat=True))
    assert all(t.startswith(case.number) for t in titles)
    assert all("Rahayu" not in t and "3174054101900123" not in t for t in titles)
    assert queued, "the e-mails are queued after commit"

    # Run twice (a re-triage, still an emergency): nobody is told twice, nothing declared twice.
    with django_capture_on_commit_callbacks() as queued_again:
        services.triage_record(actor=people["officer"], complaint=complaint,
                               **triage_answers(emergency_conditions=["severe_injury", "no_safe_place"]))
    assert Notification.objects.filter(case=case).count() == 4
    assert events(case, EventType.EMERGENCY_DECLARED).count() == 1
    assert not queued_again, "no second e-mail is queued"


def test_a_second_emergency_complaint_on_the_same_case_notifies_nobody_twice(uptd, people, register,
                                                                             providers):
    first = register(uptd, actor=people["officer"])
    services.triage_record(actor=people["officer"], complaint=first,
                           **triage_answers(emergency_conditions=["threat_to_life"]))
    from cases.intake.services import ComplaintInput, VictimInput, complaint_register

    joined = complaint_register(
        actor=people["officer"], receiving_agency=uptd, join_case=first.case,
        data=ComplaintInput(channel="hotline",
                            victims=[VictimInput(full_name="Sri Rahayu", category="adult_woman")],
                            violence_types=["kdrt"], chronology="Laporan lanjutan.", consent_by="victim",
                            stated_needs=["medis"]))
    before = Notification.objects.count()
    services.triage_record(actor=people["officer"], complaint=joined,
                           **triage_answers(emergency_conditions=["ongoing_violence"]))
    assert Notification.objects.count() == before
    assert events(first.case, EventType.EMERGENCY_DECLARED).count() == 1


def test_non_emergency_triage_notifies_nobody(uptd, people, register, providers):
    complaint = register(uptd, actor=people["officer"])
    services.triage_record(actor=people["officer"], complaint=complaint,
                           **triage_answers(complexity_conditions=["legal_obstacles"]))
    assert not Notification.objects.filter(case=complaint.case).exists()


# --- risk override ----------------------------------------------------------------------------------

def test_head_overrides_risk_with_a_reason_audited(uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    a = services.triage_record(actor=people["officer"], complaint=complaint, **triage_answers())
    assert a.risk_level == RiskLevel.LOW
    a = services.triage_override_risk(actor=people["head"], assessment=a, risk_level=RiskLevel.HIGH,
                                      reason="Pelaku mengancam melalui keluarga korban.")
    assert a.risk_level == RiskLevel.HIGH and a.assessed_risk == RiskLevel.LOW
    assert a.risk_overridden_by == people["head"] and a.risk_overridden_at
    ev = events(complaint.case, EventType.RISK_OVERRIDDEN).get()
    assert ev.payload == {"complaint": str(complaint.public_id), "from": "low", "to": "high",
                          "assessed": "low"}
    history = list(a.history.order_by("history_date").values_list("risk_level", "history_user_id"))
    assert history[0] == ("low", people["officer"].pk) and history[-1] == ("high", people["head"].pk)


@pytest.mark.parametrize("reason", ["", "   ", "singkat"])
def test_override_requires_a_reason(uptd, people, register, reason):
    complaint = register(uptd, actor=people["officer"])
    a = services.triage_record(actor=people["officer"], complaint=complaint, **triage_answers())
    with pytest.raises(ValidationError) as exc:
        services.triage_override_risk(actor=people["head"], assessment=a, risk_level=RiskLevel.HIGH,
                                      reason=reason)
    assert services.OVERRIDE_REASON_REQUIRED in exc.value.message_dict["reason"]
    a.refresh_from_db()
    assert a.risk_level == RiskLevel.LOW
    assert not events(complaint.case, EventType.RISK_OVERRIDDEN).exists()


def test_only_the_receiving_head_may_override(uptd, polres, people, register):
    complaint = register(uptd, actor=people["officer"])
    a = services.triage_record(actor=people["officer"], complaint=complaint, **triage_answers())
    for user in (people["officer"], people["konselor"], people["ketua"], member(polres, Role.HEAD)):
        with pytest.raises(ActionNotAllowed):
            services.triage_override_risk(actor=user, assessment=a, risk_level=RiskLevel.HIGH,
                                          reason="Alasan yang cukup panjang.")


def test_override_to_emergency_starts_action_first(uptd, people, register, providers):
    complaint = register(uptd, actor=people["officer"])
    a = services.triage_record(actor=people["officer"], complaint=complaint, **triage_answers())
    services.triage_override_risk(actor=people["head"], assessment=a, risk_level=RiskLevel.EMERGENCY,
                                  reason="Korban dihubungi pelaku malam ini, tidak ada tempat aman.")
    case = complaint.case
    case.refresh_from_db()
    assert case.is_emergency and case.awaiting_formal_decision
    assert events(case, EventType.EMERGENCY_DECLARED).count() == 1
    assert Notification.objects.filter(case=case, user=people["ketua"]).count() == 1


def test_lowering_an_emergency_keeps_the_case_awaiting_the_meeting(uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    a = services.triage_record(actor=people["officer"], complaint=complaint,
                               **triage_answers(emergency_conditions=["severe_psych"]))
    services.triage_override_risk(actor=people["head"], assessment=a, risk_level=RiskLevel.HIGH,
                                  reason="Psikolog menilai kondisi sudah stabil.")
    case = complaint.case
    case.refresh_from_db()
    assert not case.is_emergency and case.awaiting_formal_decision
    assert case.status == CaseStatus.AWAITING_DECISION


# --- emergency referral ------------------------------------------------------------------------------

@pytest.fixture
def emergency(uptd, people, register):
    complaint = register(uptd, actor=people["officer"])
    services.triage_record(actor=people["officer"], complaint=complaint,
                           **triage_answers(emergency_conditions=["no_safe_place"]))
    complaint.case.refresh_from_db()
    return complaint


def test_referral_grants_temporary_service_access_at_once_and_it_expires(emergency, people, providers):
    case = emergency.case
    nurse = providers["nurse"]
    with pytest.raises(Http404):
        case_get_for_user(user=nurse, id=case.pk)
    grants = services.emergency_refer(actor=people["head"], case=case, agencies=[providers["hospital"]])
    (grant,) = grants
    assert grant.source == GrantSource.EMERGENCY_REFERRAL and grant.level == AccessLevel.SERVICE
    assert timedelta(hours=71) < grant.expires_at - timezone.now() <= timedelta(hours=72)
    assert case_get_for_user(user=nurse, id=case.pk, level=AccessLevel.SERVICE)
    assert case_access_level(nurse, case) == AccessLevel.SERVICE  # never identity
    ev = events(case, EventType.EMERGENCY_REFERRAL).get()
    assert ev.payload["agencies"] == ["rs-prov"] and ev.payload["hours"] == 72
    assert events(case, EventType.ACCESS_GRANTED).filter(payload__source="emergency_referral").count() == 1
    # Signing the referral is SOP IV step 4 (surat pengantar rujukan), a crisis step.
    step = SopStepRecord.objects.get(run__complaint=emergency, run__sop="IV", step="4")
    assert step.done_by == people["head"]
    assert events(case, EventType.CRISIS_STEP).filter(payload__step="4").count() == 1
    assert Notification.objects.filter(user=nurse, kind="emergency_referral").count() == 1

    # The temporary grant ends by itself: move its expiry into the past.
    grant.expires_at = timezone.now() - timedelta(seconds=1)
    grant.save()
    with pytest.raises(Http404):
        case_get_for_user(user=nurse, id=case.pk)


def test_referring_twice_notifies_once_and_never_downgrades_a_better_grant(emergency, people, providers):
    from cases.services import case_grant_access

    case = emergency.case
    kept = case_grant_access(actor=people["head"], case=case, agency=providers["legal"],
                             level=AccessLevel.FULL, reason="Pendampingan hukum segera.",
                             legal_basis=GrantBasis.PROTECTION_OF_LIFE)
    services.emergency_refer(actor=people["head"], case=case,
                             agencies=[providers["hospital"], providers["legal"]])
    services.emergency_refer(actor=people["head"], case=case, agencies=[providers["hospital"]], hours=24)
    legal = case.grants.get(group=providers["legal"].group)
    # (a full grant ends by itself after IDENTITY_GRANT_DAYS: the kept grant keeps its own end)
    assert legal.pk == kept.pk and legal.level == AccessLevel.FULL and legal.expires_at == kept.expires_at
    assert Notification.objects.filter(user=providers["nurse"], kind="emergency_referral").count() == 1
    assert events(case, EventType.EMERGENCY_REFERRAL).count() == 2
    assert SopStepRecord.objects.filter(run__complaint=emergency, run__sop="IV", step="4").count() == 1


def test_only_the_head_refers_and_only_emergencies(uptd, emergency, people, providers, register):
    with pytest.raises(ActionNotAllowed):
        services.emergency_refer(actor=people["officer"], case=emergency.case,
                                 agencies=[providers["hospital"]])
    calm = register(uptd, actor=people["officer"])
    services.triage_record(actor=people["officer"], complaint=calm, **triage_answers())
    calm.case.refresh_from_db()
    with pytest.raises(ApplicationError, match=str(services.REFER_NOT_EMERGENCY)):
        services.emergency_refer(actor=people["head"], case=calm.case, agencies=[providers["hospital"]])
    assert not events(calm.case, EventType.EMERGENCY_REFERRAL).exists()


@pytest.mark.parametrize("bad", ["none", "own", "ministry", "hours"])
def test_referral_bad_input_saves_nothing(emergency, people, providers, uptd, bad):
    from tests.factories import AgencyFactory

    agencies = {"none": [], "own": [uptd], "ministry": [AgencyFactory(kind="ministry")],
                "hours": [providers["hospital"]]}[bad]
    with pytest.raises(ValidationError):
        services.emergency_refer(actor=people["head"], case=emergency.case, agencies=agencies,
                                 hours=500 if bad == "hours" else 72)
    assert not emergency.case.grants.exists()



def test_a_refusal_reads_in_english(uptd, people, providers, register, english_catalogue):
    calm = register(uptd, actor=people["officer"])
    services.triage_record(actor=people["officer"], complaint=calm, **triage_answers())
    calm.case.refresh_from_db()
    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        services.emergency_refer(actor=people["head"], case=calm.case, agencies=[providers["hospital"]])
    assert refused.value.message == "Emergency referral is only for emergency cases."
