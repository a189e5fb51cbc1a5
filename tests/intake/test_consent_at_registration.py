"""Registration records the consent it is told of: one record per victim, purpose "share" with the
programme's agencies — and a child's consent comes from a parent or guardian, the child's own only
when a parent or guardian is the accused."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from cases.consent import consent_covers
from cases.intake import services as intake
from cases.intake.services import PerpetratorInput, VictimInput, complaint_register
from cases.models import Case, CaseEvent, Consent, ConsentPurpose, EventType, Victim
from tests.factories import AgencyFactory, member
from tests.intake.helpers import complaint_input

pytestmark = pytest.mark.django_db


def test_registration_records_one_share_consent_per_victim_when_it_was_received(uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    received = timezone.now() - timedelta(hours=3)
    complaint = complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input(
        victims=[VictimInput(full_name="Wulan Sekar Arum", category="adult_woman"),
                 VictimInput(full_name="Ratih Sekar Arum", category="family")],
        received_at=received, received_at_reason="Laporan hotline malam", consent_form="written"))
    consents = list(Consent.objects.filter(case=complaint.case).order_by("victim_id"))
    assert [c.victim for c in consents] == list(complaint.victims.order_by("id"))
    for consent in consents:
        assert (consent.purpose, consent.given_by, consent.scope, consent.form) == (
            "share", "victim", "programme", "written")
        assert consent.given_at == received and consent.recorded_by == officer
        assert consent.withdrawn_at is None
    # Every agency of the programme is covered, for the case as for each victim.
    hospital = AgencyFactory(code="rs-lain", kind="hospital")
    assert consent_covers(case=complaint.case, purpose=ConsentPurpose.SHARE, agency=hospital)
    assert not consent_covers(case=complaint.case, purpose=ConsentPurpose.REFER, agency=hospital)
    recorded = CaseEvent.objects.filter(case=complaint.case, event_type=EventType.CONSENT_RECORDED)
    assert recorded.count() == 2
    assert {e.payload["purpose"] for e in recorded} == {"share"}


@pytest.mark.parametrize("overrides", [{"consent_to_share": False}, {"consent_by": "none"}])
def test_registration_without_consent_records_none(uptd, overrides):
    complaint = complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd,
                                   data=complaint_input(**overrides))
    assert not Consent.objects.filter(case=complaint.case).exists()
    assert not consent_covers(case=complaint.case, purpose=ConsentPurpose.SHARE)


def test_a_childs_consent_given_by_a_parent_is_recorded_as_the_parents(uptd):
    complaint = complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd,
                                   data=complaint_input(
        victims=[VictimInput(full_name="Anak Bunga", category="child", estimated_age=9)],
        perpetrators=[PerpetratorInput(relation="acquaintance")], consent_by="parent"))
    consent = Consent.objects.get(victim__complaint=complaint)
    assert consent.given_by == "parent" and consent.get_given_by_display() == "Orang tua"


def test_a_childs_own_consent_is_refused_and_nothing_is_saved(uptd):
    data = complaint_input(victims=[VictimInput(full_name="Anak Cempaka", category="child")],
                           perpetrators=[PerpetratorInput(relation="acquaintance")], consent_by="victim")
    with pytest.raises(ValidationError) as exc:
        complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd, data=data)
    assert intake.CHILD_CONSENT_REQUIRED in exc.value.message_dict["consent_by"]
    assert not Case.objects.exists() and not Victim.objects.exists() and not Consent.objects.exists()


@pytest.mark.parametrize("given_by", ["victim", "guardian"])
def test_a_child_whose_guardian_is_accused_consents_herself_or_through_another_guardian(uptd, given_by):
    complaint = complaint_register(actor=member(uptd, Role.ADMIN_OFFICER), receiving_agency=uptd,
                                   data=complaint_input(
        victims=[VictimInput(full_name="Anak Dahlia", category="child", estimated_age=14)],
        perpetrators=[PerpetratorInput(relation="parent", is_guardian=True)], consent_by=given_by))
    assert Consent.objects.get(victim__complaint=complaint).given_by == given_by


def test_the_page_records_the_consent_the_officer_chose(client, uptd):
    from tests.intake.test_register import _post_data

    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    page = client.get(reverse("cases:register")).content.decode()
    assert 'name="consent_form"' in page and 'value="parent"' in page
    resp = client.post(reverse("cases:register"), _post_data(**{
        "victims-0-category": "child", "consent_by": "parent", "consent_form": "written"}))
    assert resp.status_code == 302
    consent = Consent.objects.get()
    assert (consent.given_by, consent.form, consent.purpose) == ("parent", "written", "share")


def test_the_api_records_the_consent_and_refuses_a_childs_own(client, uptd):
    from tests.intake.test_api import PAYLOAD

    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    child = {**PAYLOAD, "victims": [{"full_name": "Anak Kenanga", "category": "child"}],
             "consent_by": "victim"}
    resp = client.post("/api/complaints/", child, content_type="application/json")
    assert resp.status_code == 400 and resp.json()["consent_by"] == [intake.CHILD_CONSENT_REQUIRED]
    assert not Consent.objects.exists()
    resp = client.post("/api/complaints/", {**child, "consent_by": "parent"}, content_type="application/json")
    assert resp.status_code == 201, resp.content
    assert Consent.objects.get().given_by == "parent"
