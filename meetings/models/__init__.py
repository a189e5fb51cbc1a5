"""Meetings app models (docs/meetings.md; SKB E.1.b–d, E.3.b): the weekly schedule and meetings,
screening and agenda, presentations, joint assessments, decisions with action items and their
follow-up, and the minutes, signed through ``meetings.signing``."""

from meetings.models.decisions import *  # noqa: F401,F403
from meetings.models.meeting import *  # noqa: F401,F403
from meetings.models.screening import *  # noqa: F401,F403
