"""Issue 12 point 4: sharing identity needs consent and a reason. A head's `full` grant to another
agency needs a consent covering that agency (the victim's; a parent's or guardian's for a child) or,
without one, the head's written legal basis (protection of life, an investigation's request); a
reason every time; an expiry by default (``IDENTITY_GRANT_DAYS``); and a confirmation step that
repeats what is shared with whom. The grants list shows reason, basis and expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from cases import services
from cases.consent import consent_record, consent_withdraw
from cases.intake.services import PerpetratorInput, VictimInput, complaint_register
from cases.models import AccessLevel, CaseEvent, CaseGrant, Consent, EventType, GrantBasis
from tests.factories import member
from tests.intake.helpers import complaint_input

pytestmark = pytest.mark.django_db
JSON = "application/json"
REASON = "Visum et repertum dan perawatan luka di rumah sakit."


def register(agency, **overrides):
    return complaint_register(actor=member(agency, Role.ADMIN_OFFICER), receiving_agency=agency,
                              data=complaint_input(**overrides))


def child_complaint(agency, *, consent_by):
    return register(agency, consent_by=consent_by, victims=[VictimInput(
        full_name="Anak Uji", category="child", nik="3174054101100099", phone="", region="3174")],
        perpetrators=[PerpetratorInput(relation="acquaintance", power_relation=True)])


def nothing_granted(case):
    return (not CaseGrant.objects.filter(content_object=case).exists()
            and not CaseEvent.objects.filter(case=case, event_type=EventType.ACCESS_GRANTED).exists())


# --- the service ----------------------------------------------------------------------------------

def test_full_without_consent_or_legal_basis_is_refused_naming_the_agency_and_nothing_is_saved(uptd, rsud):
    case = register(uptd, consent_to_share=False).case
    head = member(uptd, Role.HEAD)
    with pytest.raises(ValidationError) as exc:
        services.case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.FULL, reason=REASON)
    [message] = exc.value.message_dict["legal_basis"]
    assert "RSUD Uji" in message and "perlindungan jiwa" in message and "permintaan penyidikan" in message
    assert nothing_granted(case)


def test_full_without_a_reason_is_refused_even_with_consent(uptd, rsud):
    case = register(uptd).case
    with pytest.raises(ValidationError) as exc:
        services.case_grant_access(actor=member(uptd, Role.HEAD), case=case, agency=rsud,
                                   level=AccessLevel.FULL, reason="   ")
    assert set(exc.value.message_dict) == {"reason"}
    assert nothing_granted(case)


def test_consent_covering_the_agency_is_the_basis_and_the_grant_ends_after_the_setting(uptd, rsud, settings):
    settings.IDENTITY_GRANT_DAYS = 7
    case = register(uptd).case  # the victim's "share" consent for every agency of the programme
    grant = services.case_grant_access(actor=member(uptd, Role.HEAD), case=case, agency=rsud,
                                       level=AccessLevel.FULL, reason=REASON)
    assert grant.basis == GrantBasis.CONSENT and grant.reason == REASON
    assert timedelta(days=7) - timedelta(minutes=1) < grant.expires_at - timezone.now() <= timedelta(days=7)
    event = CaseEvent.objects.get(case=case, event_type=EventType.ACCESS_GRANTED)
    assert event.payload["basis"] == "consent" and REASON not in str(event.payload)


def test_a_consent_naming_another_agency_or_withdrawn_does_not_cover(uptd, rsud, polres):
    complaint = register(uptd, consent_to_share=False)
    case, victim = complaint.case, complaint.victims.get()
    head = member(uptd, Role.HEAD)
    consent_record(actor=head, victim=victim, purpose="share", given_by="victim", scope="named_agencies",
                   agencies=[polres])
    with pytest.raises(ValidationError):
        services.case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.FULL, reason=REASON)
    police = services.case_grant_access(actor=head, case=case, agency=polres, level=AccessLevel.FULL,
                                        reason=REASON)
    assert police.basis == GrantBasis.CONSENT
    services.case_revoke_access(actor=head, grant=police, reason="uji")
    consent_withdraw(actor=head, consent=victim.consents.get(purpose="share"), note="Korban menariknya.")
    with pytest.raises(ValidationError) as exc:
        services.case_grant_access(actor=head, case=case, agency=polres, level=AccessLevel.FULL,
                                   reason=REASON)
    assert "legal_basis" in exc.value.message_dict


def test_the_heads_legal_basis_allows_full_without_consent_and_is_recorded(uptd, polres):
    case = register(uptd, consent_to_share=False).case
    grant = services.case_grant_access(actor=member(uptd, Role.HEAD), case=case, agency=polres,
                                       level=AccessLevel.FULL, reason="Surat permintaan penyidik 12/2026.",
                                       legal_basis=GrantBasis.INVESTIGATION_REQUEST)
    assert grant.basis == GrantBasis.INVESTIGATION_REQUEST and grant.expires_at is not None
    with pytest.raises(ValidationError) as exc:  # "consent" is not a legal basis the head may write
        services.case_grant_access(actor=member(uptd, Role.HEAD), case=case, agency=polres,
                                   level=AccessLevel.FULL, reason=REASON, legal_basis=GrantBasis.CONSENT)
    assert "legal_basis" in exc.value.message_dict


def test_a_childs_own_consent_does_not_cover_a_parents_does(uptd, rsud):
    # A child's own consent on the record (carried over from before the child rule): not enough.
    complaint = child_complaint(uptd, consent_by="parent")
    case, child = complaint.case, complaint.victims.get()
    head = member(uptd, Role.HEAD)
    consent_withdraw(actor=head, consent=child.consents.get(), note="Orang tua menariknya.")
    Consent.objects.create(case=case, victim=child, purpose="share", given_by="victim", scope="programme",
                           given_at=timezone.now() - timedelta(minutes=5), recorded_by=head)
    with pytest.raises(ValidationError) as exc:
        services.case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.FULL, reason=REASON)
    assert "legal_basis" in exc.value.message_dict
    assert nothing_granted(case)
    consent_record(actor=head, victim=child, purpose="share", given_by="parent", giver_relation="ibu")
    grant = services.case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.FULL,
                                       reason=REASON)
    assert grant.basis == GrantBasis.CONSENT


# --- the page: a confirmation step, then the list -------------------------------------------------

@pytest.fixture
def head_client(uptd, login_verified):
    client = Client()
    login_verified(client, member(uptd, Role.HEAD))
    return client


def test_the_page_repeats_what_is_shared_with_whom_before_saving(uptd, rsud, head_client, settings):
    settings.IDENTITY_GRANT_DAYS = 30
    case = register(uptd).case
    url = reverse("cases:grant", args=[case.pk])
    resp = head_client.post(url, {"agency": rsud.pk, "level": AccessLevel.FULL, "reason": REASON})
    assert resp.status_code == 200
    page = resp.content.decode()
    until = timezone.localtime(timezone.now() + timedelta(days=30))
    assert 'id="grant-confirm"' in page
    assert "Identitas korban dibagikan kepada RSUD Uji sampai" in page
    assert until.strftime("%Y") in page and "atas dasar persetujuan korban/orang tua/wali" in page
    assert nothing_granted(case)  # shown, not saved

    resp = head_client.post(url, {"agency": rsud.pk, "level": AccessLevel.FULL, "reason": REASON,
                                  "confirmed": "1"})
    assert resp.status_code == 302
    grant = CaseGrant.objects.get(content_object=case)
    assert grant.level == AccessLevel.FULL and grant.basis == GrantBasis.CONSENT
    listed = head_client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    row = listed[listed.index(f'id="grant-{grant.pk}"'):]
    row = row[:row.index("</tr>")]
    assert REASON in row and "persetujuan korban/orang tua/wali" in row
    assert timezone.localtime(grant.expires_at).strftime("%Y") in row and "sampai dicabut" not in row


def test_the_page_refuses_full_without_basis_under_the_field_and_saves_nothing(uptd, rsud, head_client):
    case = register(uptd, consent_to_share=False).case
    resp = head_client.post(reverse("cases:grant", args=[case.pk]),
                            {"agency": rsud.pk, "level": AccessLevel.FULL, "confirmed": "1"})
    assert resp.status_code == 400
    page = resp.content.decode()
    form = page[page.index('id="grant-form"'):]
    assert "Belum ada persetujuan korban" in form and "Tulis alasan membagikan identitas" in form
    assert 'id="grant-confirm"' not in page
    assert nothing_granted(case)


def test_the_page_grant_with_legal_basis_shows_it(uptd, polres, head_client):
    case = register(uptd, consent_to_share=False).case
    data = {"agency": polres.pk, "level": AccessLevel.FULL, "reason": "Permintaan penyidik.",
            "legal_basis": GrantBasis.INVESTIGATION_REQUEST}
    resp = head_client.post(reverse("cases:grant", args=[case.pk]), data)
    assert resp.status_code == 200 and "atas dasar permintaan penyidikan" in resp.content.decode()
    resp = head_client.post(reverse("cases:grant", args=[case.pk]), {**data, "confirmed": "1"})
    assert resp.status_code == 302
    assert CaseGrant.objects.get(content_object=case).basis == GrantBasis.INVESTIGATION_REQUEST


# --- the API: the same fields, the same refusals, a confirmation ------------------------------------

def test_the_api_refuses_full_without_reason_and_basis_with_field_errors(uptd, rsud, head_client):
    case = register(uptd, consent_to_share=False).case
    url = reverse("api:case-grant-list", args=[case.pk])
    resp = head_client.post(url, {"agency": rsud.code, "level": "full", "confirm": True}, content_type=JSON)
    assert resp.status_code == 400
    assert set(resp.json()) == {"reason", "legal_basis"}
    assert "RSUD Uji" in resp.json()["legal_basis"][0]
    assert nothing_granted(case)


def test_the_api_asks_for_confirmation_then_grants_and_lists(uptd, rsud, head_client):
    case = register(uptd).case
    url = reverse("api:case-grant-list", args=[case.pk])
    body = {"agency": rsud.code, "level": "full", "reason": REASON}
    resp = head_client.post(url, body, content_type=JSON)
    assert resp.status_code == 400
    assert "Identitas korban dibagikan kepada RSUD Uji" in resp.json()["confirm"][0]
    assert nothing_granted(case)
    resp = head_client.post(url, {**body, "confirm": True}, content_type=JSON)
    assert resp.status_code == 201
    out = resp.json()
    assert out["level"] == "full" and out["basis"] == "consent" and out["reason"] == REASON
    assert out["expires_at"] is not None
    listed = head_client.get(url).json()
    assert [g["id"] for g in listed] == [out["id"]] and listed[0]["reason"] == REASON


def test_the_api_grants_are_the_heads_only(uptd, rsud, client, login_verified):
    case = register(uptd).case
    url = reverse("api:case-grant-list", args=[case.pk])
    login_verified(client, member(uptd, Role.ADMIN_OFFICER))
    assert client.get(url).status_code == 403
    login_verified(client, member(rsud, Role.HEAD))
    assert client.get(url).status_code == 404


def test_withdrawing_the_consent_ends_the_identity_grant_it_rested_on_not_one_on_legal_basis(uptd, rsud,
                                                                                              polres):
    complaint = register(uptd)
    case, victim = complaint.case, complaint.victims.get()
    head = member(uptd, Role.HEAD)
    on_consent = services.case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.FULL,
                                            reason=REASON)
    on_law = services.case_grant_access(actor=head, case=case, agency=polres, level=AccessLevel.FULL,
                                        reason="Permintaan penyidik.",
                                        legal_basis=GrantBasis.PROTECTION_OF_LIFE)
    consent_withdraw(actor=head, consent=victim.consents.get(purpose="share"), note="Korban menariknya.")
    on_consent.refresh_from_db()
    on_law.refresh_from_db()
    assert on_consent.revoked_at is not None and on_law.revoked_at is None
    revoked = CaseEvent.objects.get(case=case, event_type=EventType.ACCESS_REVOKED)
    assert revoked.payload["agency"] == rsud.code


def test_the_grant_forms_no_legal_basis_option_is_short_enough_not_to_be_cut():
    """At 1280 px the select showed "— tidak ada: persetujuan korban/wal…": its first option's
    label is now short, and still says the consent is the basis."""
    from cases.forms import GrantForm

    value, label = GrantForm().fields["legal_basis"].choices[0]
    assert value == ""
    assert str(label) == "— (ada persetujuan)"
    assert len(str(label)) <= 24
