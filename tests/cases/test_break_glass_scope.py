"""Break-the-glass is scoped to the case (docs/access.md §3): below full access only the head of an
agency responsible for *this* case (receiving it, or holding an active grant on it) and the Ketua
Tim Percepatan may open the victims' identity, with a reason. A head role held elsewhere counts for
nothing: the head of agency A who sits on the Tim Percepatan sees agency B's case as a team member
(number and initials) and is refused its identity — on the page and in the API, with nothing logged
as a reveal."""

import pytest
from django.urls import reverse

from agencies.models import Role
from cases import services
from cases.models import AccessLevel, CaseEvent, EventType
from common.errors import ActionNotAllowed
from common.models import AccessAction, AccessLog
from tests.factories import MembershipFactory, member

pytestmark = pytest.mark.django_db

REASON = "Korban dirujuk ke layanan kami, identitas diperlukan untuk penjemputan"


def head_on_the_team(agency):
    """The head of ``agency`` who also sits on the Tim Percepatan (a second, team membership)."""
    head = member(agency, Role.HEAD)
    MembershipFactory(user=head, agency=agency, role=Role.TP_ANGGOTA)
    return type(head).objects.get(pk=head.pk)


def reveals(case):
    return (AccessLog.objects.filter(case=case, action=AccessAction.REVEAL_IDENTITY).count(),
            CaseEvent.objects.filter(case=case, event_type=EventType.IDENTITY_REVEALED).count())


def test_team_member_head_of_another_agency_is_refused_while_the_ketua_may(
        uptd, polres, open_case, client, login_verified):
    # Given a case received by the UPTD, and the head of the Polres unit who sits on the team
    case = open_case(uptd)
    name = case.victims.get().full_name
    polres_head = head_on_the_team(polres)

    # the case page shows number and initials, and no way to open the identity
    login_verified(client, polres_head)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200 and case.number in page.content.decode()
    assert reverse("cases:reveal", args=[case.pk]) not in page.content.decode()

    # posting a reason anyway: the page sends back with the refusal, the API answers 403
    resp = client.post(reverse("cases:reveal", args=[case.pk]), {"reason": REASON}, follow=True)
    body = resp.content.decode()
    assert str(services.REVEAL_NOT_ALLOWED) in body and name not in body
    api = client.post(f"/api/cases/{case.pk}/reveal/", {"reason": REASON}, content_type="application/json")
    assert api.status_code == 403 and name not in api.content.decode()
    with pytest.raises(ActionNotAllowed, match=str(services.REVEAL_NOT_ALLOWED)):
        services.identity_reveal(actor=polres_head, case=case, reason=REASON)
    assert reveals(case) == (0, 0)

    # while the Ketua, on the same case, opens it with a reason (logged and on the timeline)
    ketua = member(polres, Role.TP_KETUA)
    ketua_client = client.__class__()
    login_verified(ketua_client, ketua)
    api = ketua_client.post(f"/api/cases/{case.pk}/reveal/", {"reason": REASON},
                            content_type="application/json")
    assert api.status_code == 200 and name in api.content.decode()
    assert reveals(case) == (1, 1)
    assert AccessLog.objects.get(action=AccessAction.REVEAL_IDENTITY).user == ketua


def test_head_of_a_granted_agency_reveals_with_a_reason_until_the_grant_is_revoked(
        uptd, rsud, open_case, client, login_verified):
    # Given a case of the UPTD with the RSUD granted service access; the RSUD head is also on the team
    case = open_case(uptd)
    name = case.victims.get().full_name
    uptd_head = member(uptd, Role.HEAD)
    grant = services.case_grant_access(actor=uptd_head, case=case, agency=rsud, level=AccessLevel.SERVICE)
    rsud_head = head_on_the_team(rsud)
    login_verified(client, rsud_head)

    # with a reason the page shows the identity; the reveal is logged and on the timeline
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:reveal", args=[case.pk]) in page
    resp = client.post(reverse("cases:reveal", args=[case.pk]), {"reason": REASON})
    assert resp.status_code == 200 and name in resp.content.decode()
    assert reveals(case) == (1, 1)
    assert AccessLog.objects.get(action=AccessAction.REVEAL_IDENTITY).reason == REASON

    # once the UPTD head revokes the grant, the RSUD head still sees the case as a team member,
    # but may no longer open its identity: page and API refuse, nothing more is logged
    services.case_revoke_access(actor=uptd_head, grant=grant, reason="layanan selesai")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert case.number in page and reverse("cases:reveal", args=[case.pk]) not in page
    resp = client.post(reverse("cases:reveal", args=[case.pk]), {"reason": REASON}, follow=True)
    assert str(services.REVEAL_NOT_ALLOWED) in resp.content.decode() and name not in resp.content.decode()
    api = client.post(f"/api/cases/{case.pk}/reveal/", {"reason": REASON}, content_type="application/json")
    assert api.status_code == 403 and name not in api.content.decode()
    assert reveals(case) == (1, 1)

