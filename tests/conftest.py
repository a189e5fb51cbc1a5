import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TESTS_DIR = Path(__file__).resolve().parent

# Test lanes (markers in pyproject.toml): where a test lives decides its lane, so a new test needs
# no marker. `make test-fast` runs the unit lane; `make test` runs them all.
LANE_OF_DIRECTORY = {"e2e": "browser", "integration": "integration", "deployment": "deployment"}
LANES = ("unit", *LANE_OF_DIRECTORY.values())


def lane_of(path) -> str:
    """The lane of a test file: by its top-level directory under tests/, unit for the rest."""
    try:
        parts = Path(path).resolve().relative_to(TESTS_DIR).parts
    except ValueError:  # outside tests/
        return "unit"
    return LANE_OF_DIRECTORY.get(parts[0], "unit") if len(parts) > 1 else "unit"


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects
def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(lane_of(item.path))


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache: this run's own Redis database (config/test_redis.py),
    which no other run uses."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def uptd(db):
    from tests.factories import AgencyFactory

    return AgencyFactory(code="uptd-uji", name="UPTD PPA Uji", kind="uptd_ppa")


@pytest.fixture
def polres(db):
    from tests.factories import AgencyFactory

    return AgencyFactory(code="polres-uji", name="Unit PPA Polres Uji", kind="police_unit",
                         institution="polri")


@pytest.fixture
def rsud(db):
    from tests.factories import AgencyFactory

    return AgencyFactory(code="rsud-uji", name="RSUD Uji", kind="hospital")


@pytest.fixture
def open_case():
    """open_case(agency, actor=None, **kw) -> Case through the service, with one victim."""
    from agencies.models import Role
    from cases.services import case_open
    from tests.factories import VictimFactory, member

    def _open(agency, actor=None, victim=True, **kw):
        actor = actor or member(agency, Role.ADMIN_OFFICER)
        case = case_open(actor=actor, receiving_agency=agency, initials=kw.pop("initials", "XY"), **kw)
        if victim:
            VictimFactory(case=case)
        return case

    return _open


@pytest.fixture
def login_verified():
    """Log ``user`` in on ``client`` as having passed TOTP (for roles that require it)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def _login(client, user):
        device, _ = TOTPDevice.objects.get_or_create(user=user, name="uji", defaults={"confirmed": True})
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return device

    return _login


@pytest.fixture
def signing_ca(tmp_path, settings):
    """A development signing CA and private file storage in a temporary folder (never var/)."""
    from documents import signing

    settings.SIGNING_CA_CERT_FILE = str(tmp_path / "ca.pem")
    settings.SIGNING_CA_KEY_FILE = str(tmp_path / "ca.key")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private")}}}
    return signing.create_dev_ca()


@pytest.fixture
def eager_celery():
    """Tasks queued on commit run in this process (e-mails land in mail.outbox). For unit tests
    only: the SLA sweep and e-mail paths are also tested with a real worker on Redis
    (tests/integration/)."""
    from config.celery_app import app

    before = {k: app.conf.get(k) for k in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield app
    app.conf.update(before)


@pytest.fixture(scope="session")
def _compiled_english():
    from django.core.management import call_command
    from django.utils.translation import trans_real

    call_command("compilemessages", "-l", "en", "--ignore", ".venv", verbosity=0)
    trans_real._translations = {}
    trans_real._default = None


@pytest.fixture
def english_catalogue(_compiled_english):
    """The English catalogue compiled from locale/en (*.mo files are not committed; Django's cached
    catalogues are dropped once it is built). A request in English leaves English active in this
    thread (LocaleMiddleware): it is switched off again after the test."""
    from django.utils import translation

    yield
    translation.deactivate()
