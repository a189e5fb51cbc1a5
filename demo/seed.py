"""``seed``: the whole demo, in the order of the flow — people and agencies, complaints (intake,
consent, triage), then the meetings that screened and decided them. The only module that knows
every app; ``manage.py seed_demo`` runs it (and ``make run`` runs that)."""

from __future__ import annotations

from django.db import transaction

from agencies.models import User
from demo.complaints import complaints_seed
from demo.meetings import meetings_seed
from demo.people import agencies_seed, services_seed, signing_seed, users_seed


@transaction.atomic
def seed() -> dict[str, User]:
    services = services_seed()
    agencies = agencies_seed(services)
    users = users_seed(agencies)
    complaints_seed(agencies, users)
    signing_seed(users)
    meetings_seed(agencies, users)
    return users
