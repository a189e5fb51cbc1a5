import pytest

from tests.meetings.helpers import make_team


@pytest.fixture
def team(uptd):
    return make_team(uptd)
