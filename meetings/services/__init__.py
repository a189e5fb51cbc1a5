"""Writes of the meetings app (docs/meetings.md; SKB E.1.b–d, E.3.b). Each service takes the acting user,
checks the rule, runs in one transaction, writes history and the case timeline, and raises a
domain error with one of the constant messages below — a refusal leaves nothing half-saved.

Decisions here have **no effect** on cases or access: they take effect when the minutes carrying
them are signed (``meetings.signing`` reads the ``Decision`` rows and sets ``applied_at``)."""

from meetings.services.agenda import *  # noqa: F401,F403
from meetings.services.base import *  # noqa: F401,F403
from meetings.services.decisions import *  # noqa: F401,F403
from meetings.services.meetings import *  # noqa: F401,F403
from meetings.services.sweeps import *  # noqa: F401,F403
