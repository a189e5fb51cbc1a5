"""seed_demo: idempotent, one user per role, two receiving agencies that never see each other's
cases, a third that sees one case at `service` level through a grant."""

import pytest
from django.core.management import call_command

from agencies.models import Role, User
from cases.models import AccessLevel, Case, Complaint
from cases.policies import case_access_level
from demo.people import USERS, needs_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(tmp_path, settings):
    settings.SIGNING_CA_CERT_FILE = str(tmp_path / "ca.pem")
    settings.SIGNING_CA_KEY_FILE = str(tmp_path / "ca.key")
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_seed_is_idempotent(seeded):
    counts = (User.objects.count(), Case.objects.count(), Complaint.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (User.objects.count(), Case.objects.count(), Complaint.objects.count()) == counts


def test_every_role_has_a_demo_user(seeded):
    held = {m.role for u in User.objects.prefetch_related("memberships") for m in u.memberships.all()}
    assert set(Role.values) <= held


def test_totp_users_are_enrolled(seeded):
    for du in USERS:
        user = User.objects.get(username=du.username)
        assert user.totpdevice_set.filter(confirmed=True).exists() == needs_totp(du)


def test_two_receiving_agencies_never_see_each_other_and_a_third_sees_service(seeded):
    uptd, polres = User.objects.get(username="uptd.admin"), User.objects.get(username="polres.admin")
    nurse = User.objects.get(username="rsud.nakes")
    for case in Case.objects.all():
        own = case.receiving_agency.code
        assert (case_access_level(uptd, case) == AccessLevel.NONE) == (own != "uptd-ppa-dki")
        assert (case_access_level(polres, case) == AccessLevel.NONE) == (own != "polres-jaksel")
    from cases.policies import active_grants

    granted = set(active_grants().filter(group__agency__code="rsud-tarakan")
                  .values_list("content_object_id", flat=True))
    assert granted, "the demo needs a case that the hospital sees through a grant"
    for case in Case.objects.all():
        expected = AccessLevel.SERVICE if case.pk in granted else AccessLevel.NONE
        assert case_access_level(nurse, case) == expected


def test_demo_signers_have_certificates(seeded):
    for username in ("tp.ketua", "tp.wakil", "pejabat.ditunjuk"):
        assert User.objects.get(username=username).signer_certificates.exists()


def test_the_demo_delegation_runs_from_today_granted_by_the_ketua(seeded):
    """Issue 13 point 10: relative to the day of seeding, so the README's demo line stays true."""
    from datetime import timedelta

    from django.utils import timezone

    from agencies.models import SigningDelegation

    today = timezone.localdate()
    d = SigningDelegation.objects.get(official__username="pejabat.ditunjuk", revoked_at__isnull=True)
    assert d.covers(today) and d.covers(today + timedelta(days=300))
    assert d.granted_by.username == "tp.ketua" and d.decree_number
    assert d.history.get().history_change_reason == "delegation_grant"


def test_the_demo_shows_the_not_safe_to_contact_warning_to_the_receiving_agency_and_the_hospital(
        seeded, client):
    from django.urls import reverse

    [case] = Case.objects.filter(complaints__safe_to_contact=False).distinct()
    assert case.receiving_agency.code == "uptd-ppa-dki"
    for username in ("uptd.admin", "rsud.nakes"):  # the hospital sees it through its service grant
        client.force_login(User.objects.get(username=username))
        page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert 'id="not-safe-to-contact"' in page, username
        assert "Korban TIDAK aman dihubungi." in page, username


def test_the_demo_investigator_is_assigned_to_the_emergency_and_holds_full_access(seeded):
    investigator = User.objects.get(username="polres.penyidik")
    [case] = Case.objects.filter(assignments__user=investigator, assignments__ended_at__isnull=True)
    assert case.is_emergency
    assert case_access_level(investigator, case) == AccessLevel.FULL
