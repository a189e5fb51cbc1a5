"""The UI is Bahasa Indonesia first; English is switchable through the language selector and
comes from the compiled catalogue in locale/en."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

ID_HEADING = "Masuk ke Terpadu"
EN_HEADING = "Sign in to Terpadu"


def _reset_translation_caches():
    trans_real._translations = {}
    trans_real._default = None
    trans_real._active = trans_real.Local()


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogue():
    # *.mo files are not committed: build the English catalogue before any request reads it.
    call_command("compilemessages", "-l", "en", "--ignore", ".venv", verbosity=0)
    _reset_translation_caches()
    yield
    translation.deactivate()
    _reset_translation_caches()


@pytest.mark.django_db
def test_login_page_is_indonesian_by_default(client):
    page = client.get(reverse("login")).content.decode()
    assert ID_HEADING in page
    assert EN_HEADING not in page


@pytest.mark.django_db
def test_language_selector_switches_login_page_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    page = client.get(reverse("login")).content.decode()
    assert EN_HEADING in page
    assert ID_HEADING not in page
    assert 'lang="en"' in page


@pytest.mark.django_db
def test_a_service_refusal_reads_in_english_under_the_field_it_is_about():
    from datetime import timedelta

    from django.utils import timezone

    from agencies.models import Role
    from agencies.services import delegation_grant
    from common.errors import ApplicationError
    from tests.factories import AgencyFactory, member

    agency = AgencyFactory()
    chair, official = member(agency, Role.TP_KETUA), member(agency, Role.TP_ANGGOTA)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        delegation_grant(actor=chair, official=official, valid_from=tomorrow,
                         valid_until=tomorrow - timedelta(days=1), decree_number="SK 12/2026")
    assert refused.value.message == "Invalid delegation period: the end date is before the start date."
    assert refused.value.field == "valid_until"


# --- Indonesian whatever the browser asks; a chosen English is kept on the profile ----------------

@pytest.mark.django_db
def test_a_browser_set_to_english_still_gets_the_indonesian_login_page(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert ID_HEADING in page
    assert EN_HEADING not in page
    assert 'lang="id"' in page


@pytest.mark.django_db
def test_english_chosen_while_signed_in_is_kept_on_the_profile_for_the_next_sign_in(client, uptd):
    from agencies.models import Role
    from tests.factories import member

    officer = member(uptd, Role.ADMIN_OFFICER)
    client.force_login(officer)
    home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="id"' in home and "Keluar" in home

    client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    officer.refresh_from_db()
    assert officer.language == "en"

    # Another browser (no language cookie), signing in afresh: English, from her profile.
    client.logout()
    client.cookies.clear()
    client.force_login(officer)
    home = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in home and "Sign out" in home


@pytest.mark.django_db
def test_an_unknown_language_leaves_the_profile_as_it_was(client, uptd):
    from agencies.models import Role
    from tests.factories import member

    officer = member(uptd, Role.ADMIN_OFFICER)
    client.force_login(officer)
    response = client.post(reverse("set_language"), {"language": "xx", "next": reverse("home")})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.language == "id"
