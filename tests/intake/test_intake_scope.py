"""Intake scope (issue 12 point 11; R1, R23; SKB B.2.a.1, E.1.b): receiving complaints is each
agency's own setting, and a report outside the four violence types is received as "other" — with
its 24-hour clock and its place in the queue — but never meets triage criterion 1."""

from datetime import timedelta

import pytest
from django.urls import reverse

from agencies.models import AgencyKind, Role
from agencies.services import agency_create
from cases.intake.services import complaint_register
from cases.models import ViolenceType
from common.errors import ActionNotAllowed
from tests.factories import AgencyFactory, member
from tests.intake.helpers import complaint_input
from triage import rules
from triage.services import triage_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def community_receiving(db):
    """A community provider — a kind that did not receive before — that receives complaints."""
    return AgencyFactory(code="yayasan-uji", name="Yayasan Uji", kind=AgencyKind.COMMUNITY,
                         institution="community", receives_complaints=True)


def test_an_agency_of_any_kind_that_receives_registers_a_complaint(client, community_receiving):
    officer = member(community_receiving, Role.ADMIN_OFFICER)
    complaint = complaint_register(actor=officer, receiving_agency=community_receiving,
                                   data=complaint_input())
    assert complaint.receiving_agency == community_receiving
    client.force_login(officer)
    page = client.get(reverse("cases:register"))
    assert page.status_code == 200
    assert "Yayasan Uji" in page.content.decode()


def test_an_agency_that_does_not_receive_cannot_register_even_of_a_receiving_kind(client, uptd):
    uptd.receives_complaints = False
    uptd.save()
    officer = member(uptd, Role.ADMIN_OFFICER)
    with pytest.raises(ActionNotAllowed):
        complaint_register(actor=officer, receiving_agency=uptd, data=complaint_input())
    client.force_login(officer)
    assert client.get(reverse("cases:register")).status_code == 404


def test_a_new_agency_starts_from_its_kind_and_can_be_set_otherwise(db):
    hospital = agency_create(actor=None, code="rs-baru", name="RS Baru", kind=AgencyKind.HOSPITAL,
                             institution="kemenkes", region="3174")
    dinsos = agency_create(actor=None, code="dinsos-baru", name="Dinsos Baru",
                           kind=AgencyKind.SOCIAL_SERVICE, institution="pemprov_dki", region="31")
    lbh = agency_create(actor=None, code="lbh-baru", name="LBH Baru", kind=AgencyKind.LEGAL_AID,
                        institution="kemenkum", region="31", receives_complaints=True)
    assert (hospital.receives_complaints, dinsos.receives_complaints, lbh.receives_complaints) == (
        True, False, True)


def test_an_other_complaint_has_its_24h_clock_and_is_in_the_queue(client, uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    complaint = complaint_register(actor=officer, receiving_agency=uptd,
                                   data=complaint_input(violence_types=[ViolenceType.OTHER]))
    assert complaint.violence_types == ["other"]
    assert complaint.response_due_at - complaint.received_at == timedelta(hours=24)
    client.force_login(officer)
    html = client.get(reverse("cases:queue")).content.decode()
    assert complaint.case.number in html
    filtered = client.get(reverse("cases:queue"), {"violence_type": "other"}).content.decode()
    assert complaint.case.number in filtered


def test_an_other_complaint_never_meets_criterion_1(uptd):
    officer = member(uptd, Role.ADMIN_OFFICER)
    complaint = complaint_register(actor=officer, receiving_agency=uptd,
                                   data=complaint_input(violence_types=[ViolenceType.OTHER]))
    assessment = triage_record(actor=officer, complaint=complaint, emergency_conditions=[],
                               complexity_conditions=["multi_institution"],
                               needs_multiple_services=True, cross_region=True,
                               complexity_change_reason="Dicatat ulang saat verifikasi")
    assert "c1" not in assessment.criteria_met
    assert not assessment.eligible


def test_other_alongside_a_programme_type_still_meets_criterion_1():
    facts = rules.TriageFacts(victims=(rules.VictimFacts(category="adult_woman"),),
                              violence_types=frozenset({"other", "kdrt"}), needs_multiple_services=True)
    assert "c1" in rules.evaluate(facts).criteria_met
    only_other = rules.TriageFacts(victims=(rules.VictimFacts(category="adult_woman"),),
                                   violence_types=frozenset({"other"}), needs_multiple_services=True)
    assert "c1" not in rules.evaluate(only_other).criteria_met


def test_the_agency_list_api_says_who_receives(client, uptd, community_receiving):
    dinsos = AgencyFactory(code="dinsos-uji", name="Dinsos Uji", kind=AgencyKind.SOCIAL_SERVICE)
    client.force_login(member(uptd, Role.ADMIN_OFFICER))
    rows = {a["code"]: a["receives_complaints"] for a in client.get("/api/agencies/").json()}
    assert rows[uptd.code] is True and rows[community_receiving.code] is True
    assert rows[dinsos.code] is False
