"""Grants per source (docs/access.md, "Grants per source"): a signed decision, an emergency referral
and the head's own grant each give an agency access through a row of their own. The agency sees the
case at the highest of its active grants; ending one source leaves what the others gave; nothing is
deleted."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from cases import services
from cases.models import AccessLevel, CaseEvent, CaseGrant, EventType, GrantSource
from cases.policies import case_access_level
from cases.services import access_permission
from tests.factories import member

pytestmark = pytest.mark.django_db


def decision_grant(case, agency, *, level=AccessLevel.SERVICE, ref="notula NTL-UJI-1"):
    """What signing minutes gives (meetings.signing): a permanent grant naming the minutes."""
    return services.case_grant_access(actor=None, case=case, agency=agency, level=level,
                                      source=GrantSource.SIGNED_DECISION, source_ref=ref,
                                      check_actor=False)


def emergency_grant(case, agency, actor, *, hours=72):
    """What an emergency referral gives (triage.services.emergency_refer): temporary service."""
    return services.case_grant_access(actor=actor, case=case, agency=agency, level=AccessLevel.SERVICE,
                                      source=GrantSource.EMERGENCY_REFERRAL,
                                      source_ref=f"darurat:{case.number}",
                                      expires_at=timezone.now() + timedelta(hours=hours),
                                      check_actor=False)


def active_sources(case, agency) -> set[str]:
    return set(CaseGrant.objects.filter(content_object=case, group=agency.group, revoked_at__isnull=True)
               .values_list("source", flat=True))


def test_an_emergency_referral_beside_a_signed_decision_keeps_both_and_ending_it_leaves_service(
        uptd, rsud, open_case):
    # Given a hospital serving the case by a signed decision,
    case = open_case(uptd)
    head = member(uptd, Role.HEAD)
    nurse = member(rsud, Role.HEALTH_WORKER)
    signed = decision_grant(case, rsud)
    # when the head also refers the case to it in an emergency (temporary, 72 hours),
    temporary = emergency_grant(case, rsud, head)
    # then each source holds its own row and the decision's is untouched,
    assert temporary.pk != signed.pk
    assert active_sources(case, rsud) == {GrantSource.SIGNED_DECISION, GrantSource.EMERGENCY_REFERRAL}
    signed.refresh_from_db()
    assert signed.expires_at is None and signed.source_ref == "notula NTL-UJI-1"
    # and ending the emergency referral leaves the hospital its service access.
    services.case_revoke_access(actor=head, grant=temporary, reason="Rujukan darurat selesai")
    assert active_sources(case, rsud) == {GrantSource.SIGNED_DECISION}
    assert case_access_level(nurse, case) == AccessLevel.SERVICE
    revoked = CaseEvent.objects.get(case=case, event_type=EventType.ACCESS_REVOKED)
    assert revoked.payload == {"agency": rsud.code, "source": GrantSource.EMERGENCY_REFERRAL}


def test_the_level_is_the_highest_active_grant_and_falls_back_when_that_source_ends(uptd, rsud, open_case):
    case = open_case(uptd)
    head = member(uptd, Role.HEAD)
    nurse = member(rsud, Role.HEALTH_WORKER)
    # The head gives the hospital a summary; later a signed decision makes it a serving agency.
    services.case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.SUMMARY,
                               source=GrantSource.MANUAL)
    assert case_access_level(nurse, case) == AccessLevel.SUMMARY
    decision_grant(case, rsud)
    assert case_access_level(nurse, case) == AccessLevel.SERVICE
    # A lower grant from another source afterwards never lowers what the agency sees.
    services.case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.SUMMARY,
                               source=GrantSource.MANUAL)
    assert case_access_level(nurse, case) == AccessLevel.SERVICE
    # When the decision's grant ends (revoked by its source), the head's summary still stands.
    ended = services.case_revoke_source(actor=None, case=case, agency=rsud,
                                        source=GrantSource.SIGNED_DECISION, reason="Diganti addendum",
                                        check_actor=False)
    assert [g.source for g in ended] == [GrantSource.SIGNED_DECISION]
    nurse = type(nurse).objects.get(pk=nurse.pk)
    assert case_access_level(nurse, case) == AccessLevel.SUMMARY
    assert nurse.has_perm("cases.access_case", case)
    # Ending a source that gave nothing (any more) is not an error and touches nothing.
    assert services.case_revoke_source(actor=head, case=case, agency=rsud,
                                       source=GrantSource.SIGNED_DECISION, reason="lagi") == []
    assert active_sources(case, rsud) == {GrantSource.MANUAL}


def test_revoking_by_source_ref_ends_only_that_documents_grants(uptd, rsud, polres, open_case):
    case = open_case(uptd)
    decision_grant(case, rsud, ref="notula NTL-LAMA")
    decision_grant(case, polres, ref="notula NTL-LAMA")
    emergency_grant(case, polres, member(uptd, Role.HEAD))
    services.case_revoke_source(actor=None, case=case, source=GrantSource.SIGNED_DECISION,
                                source_ref="notula NTL-LAMA", reason="Diganti addendum", check_actor=False)
    assert active_sources(case, rsud) == set()
    assert active_sources(case, polres) == {GrantSource.EMERGENCY_REFERRAL}


def test_the_database_refuses_two_active_rows_for_one_source_but_keeps_history(uptd, rsud, open_case):
    case = open_case(uptd)
    perm = access_permission()

    def raw(source, **kw):
        return CaseGrant.objects.create(content_object=case, group=rsud.group, permission=perm,
                                        level=AccessLevel.SERVICE, source=source, **kw)

    raw(GrantSource.MANUAL, revoked_at=timezone.now())  # history: a revoked row of that source
    raw(GrantSource.MANUAL)
    raw(GrantSource.SIGNED_DECISION)  # another source: its own active row
    with pytest.raises(IntegrityError), transaction.atomic():
        raw(GrantSource.MANUAL)
    assert CaseGrant.objects.filter(content_object=case, group=rsud.group).count() == 3


def test_regranting_a_source_updates_its_row_and_after_revocation_opens_a_new_one(uptd, rsud, open_case):
    case = open_case(uptd)
    head = member(uptd, Role.HEAD)
    first = services.case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.SUMMARY,
                                       source=GrantSource.MANUAL)
    until = timezone.now() + timedelta(days=3)
    again = services.case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.SERVICE,
                                       source=GrantSource.MANUAL, expires_at=until)
    assert again.pk == first.pk and again.level == AccessLevel.SERVICE and again.expires_at == until
    services.case_revoke_access(actor=head, grant=first, reason="Layanan selesai")
    renewed = services.case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.SUMMARY,
                                         source=GrantSource.MANUAL)
    # The revoked row stays as it was, with its reason; the new grant is a row of its own.
    assert renewed.pk != first.pk and renewed.revoked_at is None and renewed.expires_at is None
    first.refresh_from_db()
    assert first.revoked_at is not None and first.revoke_reason == "Layanan selesai"
    assert first.level == AccessLevel.SERVICE
    assert [h.level for h in first.history.order_by("history_date")] == [
        AccessLevel.SUMMARY, AccessLevel.SERVICE, AccessLevel.SERVICE]
    assert CaseGrant.objects.filter(content_object=case, group=rsud.group).count() == 2


def test_a_grant_must_name_a_known_source(uptd, rsud, open_case):
    case = open_case(uptd)
    from common.errors import ApplicationError

    with pytest.raises(ApplicationError, match=str(services.GRANT_SOURCE_INVALID)):
        services.case_grant_access(actor=member(uptd, Role.HEAD), case=case, agency=rsud,
                                   level=AccessLevel.SUMMARY, source="rumor")
    assert not case.grants.exists()


def test_the_case_page_lists_each_sources_row_and_revokes_one(uptd, rsud, open_case, client,
                                                             login_verified):
    case = open_case(uptd)
    head = member(uptd, Role.HEAD)
    nurse = member(rsud, Role.HEALTH_WORKER)
    decision_grant(case, rsud)
    manual = services.case_grant_access(actor=head, case=case, agency=rsud, level=AccessLevel.SUMMARY,
                                        source=GrantSource.MANUAL)
    login_verified(client, head)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    section = page.split('id="grants"')[1].split("</table>")[0]  # the list, not the grant form
    assert section.count(rsud.name) == 2
    assert str(GrantSource.SIGNED_DECISION.label) in section and str(GrantSource.MANUAL.label) in section
    # The head's "Cabut" on the manual row ends that row only.
    resp = client.post(reverse("cases:revoke", args=[case.pk, manual.pk]), {"reason": "Tidak diperlukan"})
    assert resp.status_code == 302
    assert active_sources(case, rsud) == {GrantSource.SIGNED_DECISION}
    assert case_access_level(nurse, case) == AccessLevel.SERVICE
