"""Timeline events of ``sops`` (numbers 212–229): a step of an SOP run recorded. Both numbers were
born in ``triage`` and kept when the SOP records moved here. Keys: docs/events.md."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from cases.event_registry import registry
from cases.events import case_event_record
from cases.models import CaseEvent

event_type = registry.declarer("sops")

# ``complaint`` is there when the run belongs to a complaint; ``standard_minutes`` is null for a
# step the catalogue gives no standard time.
_STEP = {"run": int, "sop": str, "step": str, "done_at": str, "standard_minutes": int | None}
CRISIS_STEP = event_type(212, "CRISIS_STEP", _("Langkah intervensi krisis"), payload=_STEP,
                         optional={"complaint": str})
SOP_STEP = event_type(220, "SOP_STEP", _("Langkah SOP"), payload=_STEP, optional={"complaint": str})


def _step_payload(run, step: str, done_at: datetime, standard_minutes: int | None) -> dict:
    payload = {"run": run.pk, "sop": run.sop, "step": step, "done_at": done_at.isoformat(),
               "standard_minutes": standard_minutes}
    if run.complaint is not None:
        payload = {"complaint": str(run.complaint.public_id), **payload}
    return payload


@registry.writer(CRISIS_STEP)
def crisis_step(*, actor, agency, run, step: str, done_at: datetime,
                standard_minutes: int | None) -> CaseEvent:
    """A step of the crisis-intervention SOP (catalogue ``crisis=True``) of ``run`` done."""
    return case_event_record(case=run.case, actor=actor, agency=agency, event_type=CRISIS_STEP,
                             payload=_step_payload(run, step, done_at, standard_minutes))


@registry.writer(SOP_STEP)
def sop_step(*, actor, agency, run, step: str, done_at: datetime,
             standard_minutes: int | None) -> CaseEvent:
    """Any other SOP step of ``run`` done."""
    return case_event_record(case=run.case, actor=actor, agency=agency, event_type=SOP_STEP,
                             payload=_step_payload(run, step, done_at, standard_minutes))
