from __future__ import annotations

import pytest

from tests.sla.helpers import Staff, make_staff


@pytest.fixture
def staff(uptd, polres) -> Staff:
    return make_staff(uptd, polres)

