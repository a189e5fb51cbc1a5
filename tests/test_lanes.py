"""Test lanes: where a test lives decides its lane (tests/conftest.py); every test has exactly one.
`make test-fast` selects the unit lane (tests/deployment/test_bootstrap.py runs it)."""

import pytest

from tests.conftest import LANES, TESTS_DIR, lane_of


def test_every_collected_test_has_exactly_one_lane_the_one_of_its_directory(request):
    items = request.session.items
    assert request.node in items
    wrong = {}
    for item in items:
        lanes = sorted({mark.name for mark in item.iter_markers() if mark.name in LANES})
        if lanes != [lane_of(item.path)]:
            wrong[item.nodeid] = lanes
    assert not wrong, wrong


@pytest.mark.parametrize("path, lane", [
    ("e2e/test_intake_flow.py", "browser"),
    ("integration/test_celery_worker.py", "integration"),
    ("deployment/test_bootstrap.py", "deployment"),
    ("cases/test_access.py", "unit"),
    ("test_permission_matrix.py", "unit"),
    # A new test needs no marker: its directory places it.
    ("integration/mail/test_new.py", "integration"),
    ("e2e/test_new_flow.py", "browser"),
    ("reports/test_new_stage.py", "unit"),
])
def test_the_directory_decides_the_lane(path, lane):
    assert lane_of(TESTS_DIR / path) == lane
