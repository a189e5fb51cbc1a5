"""Issue 13 point 2 (R23; SKB E.1.a.3): complexity conditions (e) more than one form of violence,
(f) a perpetrator in a power relation and (g) a perpetrator who is a public official are pre-filled
at triage from what was registered, and change only with a reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.intake.services import PerpetratorInput
from triage import services
from triage.models import TriageAssessment

pytestmark = pytest.mark.django_db

REGISTERED = ["multiple_forms", "power_relation", "public_official"]


@pytest.fixture
def complaint(uptd, people, register):
    return register(uptd, actor=people["officer"], violence_forms=["physical", "sexual"],
                    perpetrators=[PerpetratorInput(relation="employer", power_relation=True,
                                                   public_official=True)])


def _triage(people, complaint, complexity, reason=""):
    return services.triage_record(actor=people["officer"], complaint=complaint, emergency_conditions=[],
                                  complexity_conditions=complexity, needs_multiple_services=True,
                                  cross_region=False, complexity_change_reason=reason)


@pytest.mark.parametrize("complexity", [
    [],                                    # all three left out
    ["multiple_forms", "power_relation"],  # (g) dropped
    [*REGISTERED, "legal_obstacles"][1:],  # (e) dropped, another added
])
def test_leaving_out_a_registered_condition_needs_a_reason_and_saves_nothing(people, complaint, complexity):
    with pytest.raises(ValidationError) as exc:
        _triage(people, complaint, complexity)
    assert exc.value.message_dict == {
        "complexity_change_reason": [services.COMPLEXITY_CHANGE_REASON_REQUIRED]}
    assert not TriageAssessment.objects.exists()


def test_adding_a_condition_the_registration_did_not_record_needs_a_reason(uptd, people, register):
    plain = register(uptd, actor=people["officer"], perpetrators=[PerpetratorInput(relation="stranger")])
    with pytest.raises(ValidationError):
        _triage(people, plain, ["public_official"])
    a = _triage(people, plain, ["public_official"], reason="Terlapor ternyata kepala kelurahan.")
    assert a.complexity_change_reason == "Terlapor ternyata kepala kelurahan."


def test_the_registered_conditions_need_no_reason_and_a_change_keeps_its_reason(people, complaint):
    a = _triage(people, complaint, [*REGISTERED, "legal_obstacles"], reason="tidak dipakai")
    assert sorted(a.complexity_conditions) == sorted([*REGISTERED, "legal_obstacles"])
    assert a.complexity_change_reason == ""  # nothing changed: no reason kept
    a = _triage(people, complaint, ["power_relation"], reason="Satu bentuk kekerasan; bukan pejabat publik.")
    assert a.complexity_conditions == ["power_relation"]
    assert a.complexity_change_reason == "Satu bentuk kekerasan; bukan pejabat publik."
    assert a.history.count() == 2


def test_the_first_triage_form_is_prefilled_from_the_registration(client, people, complaint):
    client.force_login(people["officer"])
    page = client.get(reverse("triage:detail", args=[complaint.case.pk])).content.decode()
    for code in REGISTERED:
        assert _checked(page, code), code
    assert not _checked(page, "legal_obstacles")
    resp = client.post(reverse("triage:record", args=[complaint.case.pk]), {
        "complaint": complaint.public_id, "complexity_conditions": ["power_relation"],
        "needs_multiple_services": "ya", "cross_region": "tidak"})
    assert resp.status_code == 400 and not TriageAssessment.objects.exists()
    assert str(services.COMPLEXITY_CHANGE_REASON_REQUIRED) in resp.content.decode()


def _checked(page: str, code: str) -> bool:
    """Whether the checkbox with value ``code`` is rendered checked."""
    start = page.rfind("<input", 0, page.index(f'value="{code}"'))
    end = page.index(">", page.index(f'value="{code}"'))
    return "checked" in page[start:end]
