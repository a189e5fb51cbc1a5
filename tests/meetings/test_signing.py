"""SKB E.1.c: a selection is valid and binding only when it stands in minutes signed by the
presiding officer or a designated official. Signing re-authenticates, produces a PAdES-signed PDF,
freezes the record (services and database) and puts the decisions into effect."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfReader

from agencies.models import Role, SigningDelegation
from cases.models import AccessLevel, CaseEvent, CaseGrant, CaseStatus, EventType, GrantSource
from cases.policies import case_access_level
from cases.selectors import case_get_for_user
from common.errors import ActionNotAllowed, ApplicationError
from common.models import AccessAction, AccessLog
from documents import registry as documents
from documents import signing as doc_signing
from meetings import services
from meetings.models import DecisionKind, FollowUp, MinutesStatus
from meetings.signing import (
    ALREADY_SIGNED,
    BAD_PASSWORD,
    BAD_TOTP,
    CONTENT_CHANGED,
    NOT_SIGNER,
    minutes_content_hash,
    minutes_sign,
)
from tests.factories import member
from tests.meetings.helpers import decide, make_meeting, propose_and_open, register

pytestmark = pytest.mark.django_db
PASSWORD = "sandi-uji-12345"


@pytest.fixture(autouse=True)
def _signing_ca(signing_ca):
    """Every test here signs or stores files: a temporary CA and storage."""
    return signing_ca


def device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.get_or_create(user=user, name="uji", defaults={"confirmed": True})[0]


def code(device: TOTPDevice, offset: int = 0) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0 - offset * device.step, digits=6):06d}"


@pytest.fixture
def ready(team, uptd, polres, rsud):
    """A closed meeting, minutes ready: case A selected with RSUD serving, case B not selected."""
    ca = register(uptd, name="Ani Satu Rahayu", nik="3174054101900011")
    cb = register(polres, name="Budi Dua Santoso", nik="")
    meeting = make_meeting(team)
    propose_and_open(team, meeting, [ca, cb])
    sel = decide(team, meeting, ca.case, DecisionKind.SELECT, serving_agencies=[rsud],
                 coordinator_agency=uptd)
    services.action_item_add(actor=team.sekretaris, decision=sel, description="Visum dan konseling awal",
                             responsible_agency=rsud, due_date=timezone.localdate() + timedelta(days=7))
    services.decision_record(actor=team.sekretaris, meeting=meeting, case=cb.case,
                             kind=DecisionKind.NOT_SELECT, reason="Ditangani Polres sesuai SOP")
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=meeting)
    meeting.refresh_from_db()
    return meeting, ca.case, cb.case


def signing_request():
    """The signer's POST: re-authentication counts failures per username and IP (django-axes)."""
    return RequestFactory().post("/", REMOTE_ADDR="127.0.0.1")


def sign(meeting, user, **kw):
    dev = device_for(user)
    return minutes_sign(actor=user, meeting=meeting, password=kw.get("password", PASSWORD),
                        otp_token=kw.get("otp", code(dev)), shown_hash=kw.get("shown",
                                                                             minutes_content_hash(meeting)),
                        request=signing_request())


def test_presiding_officer_signs_a_valid_trusted_pdf(ready, team):
    meeting, case_a, _ = ready
    minutes = sign(meeting, team.ketua)
    assert minutes.status == MinutesStatus.SIGNED and minutes.signed_by == team.ketua
    with minutes.document.pdf.open("rb") as fh:
        pdf = fh.read()
    assert documents.sha256(pdf) == minutes.document.sha256
    check = doc_signing.verify_pdf(pdf)
    assert check.ok and check.signer_name == team.ketua.display_name
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert case_a.number in text and "Ditetapkan masuk program terpadu" in text
    assert team.ketua.display_name in text and minutes.document.code in text
    assert "Ani Satu" not in text and "Budi Dua" not in text and "3174054101900011" not in text


def test_signing_puts_the_decisions_into_effect(ready, team, uptd, polres, rsud):
    meeting, case_a, case_b = ready
    nurse = member(rsud, Role.HEALTH_WORKER)
    investigator = member(polres, Role.INVESTIGATOR)
    with pytest.raises(Http404):
        case_get_for_user(user=nurse, id=case_a.pk)
    minutes = sign(meeting, team.ketua)
    nurse = type(nurse).objects.get(pk=nurse.pk)
    assert case_get_for_user(user=nurse, id=case_a.pk, level=AccessLevel.SERVICE)
    with pytest.raises(Http404):  # an agency the decision did not name
        case_get_for_user(user=investigator, id=case_a.pk)
    grant = CaseGrant.objects.get(content_object=case_a, group=rsud.group)
    assert grant.source == GrantSource.SIGNED_DECISION and minutes.document.code in grant.source_ref
    case_a.refresh_from_db()
    case_b.refresh_from_db()
    assert case_a.status == CaseStatus.SELECTED and case_b.status == CaseStatus.HANDLED_BY_AGENCY
    assert case_a.complaints.get().outcome == "selected"
    assert CaseEvent.objects.filter(case=case_a, event_type=EventType.DECISION_SIGNED).count() == 1


def test_emergency_confirmation_keeps_named_and_revokes_unnamed_temporary_grants(team, uptd, rsud, polres):
    from triage.services import emergency_refer, triage_record

    head = member(uptd, Role.HEAD)
    c = register(uptd, name="Citra Tiga", nik="")
    case = c.case
    triage_record(actor=head, complaint=c, emergency_conditions=["severe_injury"],
                  complexity_conditions=["power_relation"], needs_multiple_services=True, cross_region=False)
    emergency_refer(actor=head, case=case, agencies=[rsud, polres], hours=72)
    meeting = make_meeting(team)
    services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)
    decide(team, meeting, case, DecisionKind.EMERGENCY_CONFIRM, serving_agencies=[rsud],
           coordinator_agency=uptd)
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=meeting)
    sign(meeting, team.ketua)
    # Grants are per source: the named agency's access now stands on the decision's own grant
    # (its temporary emergency row ended as confirmed and stays as history).
    kept = CaseGrant.objects.get(content_object=case, group=rsud.group, revoked_at__isnull=True)
    dropped = CaseGrant.objects.get(content_object=case, group=polres.group)
    assert kept.revoked_at is None and kept.expires_at is None
    assert dropped.revoked_at is not None
    assert kept.source == GrantSource.SIGNED_DECISION
    confirmed = CaseGrant.objects.get(content_object=case, group=rsud.group,
                                      source=GrantSource.EMERGENCY_REFERRAL)
    assert confirmed.revoked_at is not None and "Dikukuhkan" in confirmed.revoke_reason


def test_unsigned_minutes_change_nothing(ready, rsud):
    meeting, case_a, _ = ready
    assert not CaseGrant.objects.filter(content_object=case_a, group=rsud.group).exists()
    case_a.refresh_from_db()
    assert case_a.status != CaseStatus.SELECTED


def test_only_the_presiding_officer_or_an_active_delegate_signs(ready, team, uptd):
    meeting, *_ = ready
    with pytest.raises(ActionNotAllowed, match=re.escape(str(NOT_SIGNER))):
        sign(meeting, team.anggota)
    delegate = member(uptd, Role.TP_ANGGOTA)
    SigningDelegation.objects.create(official=delegate, granted_by=team.ketua,
                                     valid_from=timezone.localdate() - timedelta(days=30),
                                     valid_until=timezone.localdate() - timedelta(days=1), reason="SK lama")
    with pytest.raises(ActionNotAllowed):
        sign(meeting, delegate)
    SigningDelegation.objects.create(official=delegate, granted_by=team.ketua,
                                     valid_from=timezone.localdate(), valid_until=timezone.localdate(),
                                     reason="SK 02/TP/2026")
    minutes = sign(meeting, delegate)
    assert minutes.signed_by == delegate and "Pejabat yang ditunjuk" in minutes.signer_position


@pytest.mark.parametrize("bad, message", [({"password": "salah-sekali"}, BAD_PASSWORD),
                                          ({"otp": "000000"}, BAD_TOTP),
                                          ({"shown": "0" * 64}, CONTENT_CHANGED)])
def test_bad_reauthentication_or_changed_content_is_refused(ready, team, bad, message):
    meeting, *_ = ready
    with pytest.raises(ApplicationError, match=str(message)):
        sign(meeting, team.ketua, **bad)
    meeting.minutes.refresh_from_db()
    assert meeting.minutes.status == MinutesStatus.READY and meeting.minutes.document is None


def test_a_replayed_code_is_refused_and_signing_twice_is_refused(ready, team):
    meeting, *_ = ready
    dev = device_for(team.ketua)
    token = code(dev)
    minutes_sign(actor=team.ketua, meeting=meeting, password=PASSWORD, otp_token=token,
                 shown_hash=minutes_content_hash(meeting), request=signing_request())
    with pytest.raises(ApplicationError, match=str(ALREADY_SIGNED)):
        minutes_sign(actor=team.ketua, meeting=meeting, password=PASSWORD, otp_token=token,
                     shown_hash=minutes_content_hash(meeting), request=signing_request())
    assert dev.__class__.objects.get(pk=dev.pk).verify_token(token) is False


def test_the_database_refuses_changes_to_signed_minutes(ready, team):
    meeting, *_ = ready
    sign(meeting, team.ketua)
    statements = [
        ("UPDATE meetings_decision SET reason = 'diubah' WHERE meeting_id = %s", [meeting.pk]),
        ("DELETE FROM meetings_attendance WHERE meeting_id = %s", [meeting.pk]),
        ("UPDATE meetings_actionitem SET due_date = due_date + 30 WHERE meeting_id = %s", [meeting.pk]),
        ("UPDATE meetings_minutes SET notes = 'diubah' WHERE meeting_id = %s", [meeting.pk]),
        ("DELETE FROM meetings_decision_serving_agencies WHERE decision_id IN "
         "(SELECT id FROM meetings_decision WHERE meeting_id = %s)", [meeting.pk]),
    ]
    for sql, params in statements:
        with pytest.raises((IntegrityError, InternalError)), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, params)
    # Follow-up rows are separate and can still be added.
    action = meeting.action_items.get()
    services.follow_up_add(actor=member(action.responsible_agency, Role.HEALTH_WORKER), action_item=action,
                           status="done", evidence="Visum selesai, hasil diserahkan ke penyidik")
    assert FollowUp.objects.filter(action_item=action).count() == 1


def test_signed_pdf_download_is_for_members_and_ministries_and_is_logged(ready, team, uptd, client,
                                                                         login_verified):
    meeting, *_ = ready
    sign(meeting, team.ketua)
    url = reverse("meetings:minutes-pdf", args=[meeting.pk])
    viewer = member(uptd, Role.MINISTRY_VIEWER)
    client.force_login(viewer)
    resp = client.get(url)
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert AccessLog.objects.filter(user=viewer, action=AccessAction.DOWNLOAD).count() == 1
    client.force_login(member(uptd, Role.KONSELOR))
    assert client.get(url).status_code == 404


def test_the_sign_page_signs_with_password_and_code(ready, team, client, login_verified):
    meeting, *_ = ready
    dev = device_for(team.ketua)
    login_verified(client, team.ketua)
    page = client.get(reverse("meetings:sign", args=[meeting.pk]))
    assert page.status_code == 200 and "Tandatangani" in page.content.decode()
    resp = client.post(reverse("meetings:sign", args=[meeting.pk]), {
        "password": PASSWORD, "otp_token": code(dev, offset=1),
        "content_hash": minutes_content_hash(meeting)})
    assert resp.status_code == 302
    meeting.minutes.refresh_from_db()
    assert meeting.minutes.status == MinutesStatus.SIGNED
    verdict = client.get(reverse("verify"), {"kode": meeting.minutes.document.code}).content.decode()
    assert "SAH" in verdict and "Ani Satu" not in verdict


def test_someone_who_may_not_sign_gets_404_on_the_sign_page(ready, team, client):
    meeting, *_ = ready
    client.force_login(team.anggota)
    assert client.get(reverse("meetings:sign", args=[meeting.pk])).status_code == 404


def test_an_addendum_supersedes_a_decision_and_revokes_what_it_gave(ready, team, uptd, rsud, polres):
    meeting, case_a, _ = ready
    original = sign(meeting, team.ketua)
    assert CaseGrant.objects.get(content_object=case_a, group=rsud.group).revoked_at is None
    with pytest.raises(ApplicationError):  # only signed minutes get an addendum
        from meetings.signing import addendum_create

        addendum_create(actor=team.sekretaris, minutes=make_meeting(team).minutes)
    from meetings.signing import addendum_create

    addendum = addendum_create(actor=team.sekretaris, minutes=original)
    assert addendum.minutes.amends == original
    services.meeting_open(actor=team.sekretaris, meeting=addendum, attendee_ids=team.ids)
    fix = decide(team, addendum, case_a, DecisionKind.SELECT, serving_agencies=[polres],
                 coordinator_agency=uptd)
    assert fix.supersedes.meeting == meeting
    # Until the addendum is signed the original stands.
    assert CaseGrant.objects.get(content_object=case_a, group=rsud.group).revoked_at is None
    services.meeting_close(actor=team.sekretaris, meeting=addendum)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=addendum)
    # The same person signs again: the next code (the one just used is refused as a replay).
    signed = sign(addendum, team.ketua, otp=code(device_for(team.ketua), offset=1))
    assert signed.status == MinutesStatus.SIGNED and signed.amends == original
    assert CaseGrant.objects.get(content_object=case_a, group=rsud.group).revoked_at is not None
    assert CaseGrant.objects.get(content_object=case_a, group=polres.group).revoked_at is None
    with original.document.pdf.open("rb") as fh:
        assert doc_signing.verify_pdf(fh.read()).ok  # the original document is untouched


# --- grants per source (docs/access.md) -------------------------------------------------------------

def test_an_addendum_revokes_only_what_the_superseded_decision_gave(ready, team, uptd, rsud, polres):
    # Given the head's own summary grant to the hospital before the meeting,
    from cases.services import case_grant_access
    from meetings.signing import addendum_create

    meeting, case_a, _ = ready
    nurse = member(rsud, Role.HEALTH_WORKER)
    case_grant_access(actor=member(uptd, Role.HEAD), case=case_a, agency=rsud, level=AccessLevel.SUMMARY,
                      source=GrantSource.MANUAL)
    # the signed decision makes the hospital a serving agency (its own grant, beside the head's),
    sign(meeting, team.ketua)
    assert case_access_level(nurse, case_a) == AccessLevel.SERVICE
    # and an addendum replaces the hospital by the police.
    addendum = addendum_create(actor=team.sekretaris, minutes=meeting.minutes)
    services.meeting_open(actor=team.sekretaris, meeting=addendum, attendee_ids=team.ids)
    decide(team, addendum, case_a, DecisionKind.SELECT, serving_agencies=[polres], coordinator_agency=uptd)
    services.meeting_close(actor=team.sekretaris, meeting=addendum)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=addendum)
    sign(addendum, team.ketua, otp=code(device_for(team.ketua), offset=1))
    # Only the superseded decision's grant ends: the head's summary grant stands.
    rows = CaseGrant.objects.filter(content_object=case_a, group=rsud.group)
    assert rows.get(source=GrantSource.SIGNED_DECISION).revoked_at is not None
    assert rows.get(source=GrantSource.MANUAL).revoked_at is None
    assert case_access_level(nurse, case_a) == AccessLevel.SUMMARY


def test_revoking_an_emergency_at_the_meeting_ends_only_the_temporary_grants(team, uptd, rsud):
    from cases.services import case_grant_access
    from triage.services import emergency_refer, triage_record

    head = member(uptd, Role.HEAD)
    nurse = member(rsud, Role.HEALTH_WORKER)
    c = register(uptd, name="Dewi Empat", nik="")
    case = c.case
    case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.SUMMARY,
                      source=GrantSource.MANUAL)
    triage_record(actor=head, complaint=c, emergency_conditions=["severe_injury"],
                  complexity_conditions=["power_relation"], needs_multiple_services=True, cross_region=False)
    emergency_refer(actor=head, case=case, agencies=[rsud], hours=72)
    # The referral adds its own temporary row; the head's grant is untouched.
    assert set(CaseGrant.objects.filter(content_object=case, group=rsud.group, revoked_at__isnull=True)
               .values_list("source", flat=True)) == {GrantSource.MANUAL, GrantSource.EMERGENCY_REFERRAL}
    assert case_access_level(nurse, case) == AccessLevel.SERVICE
    meeting = make_meeting(team)
    services.meeting_open(actor=team.sekretaris, meeting=meeting, attendee_ids=team.ids)
    services.decision_record(actor=team.sekretaris, meeting=meeting, case=case,
                             kind=DecisionKind.EMERGENCY_REVOKE, reason="Tidak memenuhi kriteria darurat")
    services.meeting_close(actor=team.sekretaris, meeting=meeting)
    services.minutes_mark_ready(actor=team.sekretaris, meeting=meeting)
    sign(meeting, team.ketua)
    rows = CaseGrant.objects.filter(content_object=case, group=rsud.group)
    assert rows.get(source=GrantSource.EMERGENCY_REFERRAL).revoked_at is not None
    assert rows.get(source=GrantSource.MANUAL).revoked_at is None
    assert case_access_level(nurse, case) == AccessLevel.SUMMARY


def _inbox_row(client, notification) -> str:
    html = client.get(reverse("notifications:inbox")).content.decode()
    start = html.index(f'data-notification="{notification.pk}"')
    return html[start:html.index("</tr>", start)]


def test_the_chairs_inbox_says_signed_minutes_are_done(ready, team, client, login_verified):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from common.models import Notification

    meeting, _, _ = ready
    notice = Notification.objects.get(user=team.ketua, kind="minutes_ready")
    login_verified(client, team.ketua)
    row = _inbox_row(client, notice)
    assert "siap ditandatangani" in row and "Selesai" not in row and "<strong>" in row

    sign(meeting, team.ketua)
    row = _inbox_row(client, notice)
    assert "Selesai" in row and "tidak perlu tindakan lagi" in row
    assert "<strong>" not in row  # not shown as work waiting

    # Resolved per kind, not per row: more such notifications cost no more queries.
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications:inbox"))
    for i in range(5):
        Notification.objects.create(user=team.ketua, kind="minutes_ready", title=f"Notula {i}",
                                    dedupe_key=f"minutes-ready:{notice.dedupe_key.split(':')[1]}:{i}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("notifications:inbox"))
    assert len(many) == len(few)
