from __future__ import annotations

import pytest

from tests.sla.helpers import Staff, make_staff


@pytest.fixture
def staff(uptd, polres) -> Staff:
    return make_staff(uptd, polres)


@pytest.fixture
def eager_celery():
    """Tasks queued on commit run in this process (e-mails land in mail.outbox)."""
    from config.celery_app import app

    before = {k: app.conf.get(k) for k in ("task_always_eager", "task_eager_propagates")}
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield app
    app.conf.update(before)
