"""Signals ``cases`` sends to the apps above it (which ``cases`` may not import, see
tests/test_architecture.py). A higher app connects its receiver in ``AppConfig.ready``; receivers
run inside the sender's transaction, so what they write commits or rolls back with it.

- ``triage_facts_changed``: the facts a complaint's triage read have changed after it (a victim
  added, or a victim's category, date of birth or age corrected). ``triage`` marks the complaint's
  triage as needing review. Arguments: ``complaint``, ``actor``, ``reason`` (a code:
  ``victim_added``, ``victim_corrected``).
"""

from django.dispatch import Signal

triage_facts_changed = Signal()
