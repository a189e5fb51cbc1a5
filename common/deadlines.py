"""Deadlines a beat sweep watches: one runner for every "remind before, escalate after" rule.

A rule is a :class:`Deadline` declaration. It names

- ``subjects``: the open subjects (complaints still on the clock, action items not done …), a
  queryset factory;
- ``due``: the column (or row expression) with each subject's due time. The due query filters and
  orders on it, so it must be covered by an index — ideally a partial one on the open subjects,
  like ``complaint_open_due_idx``;
- ``stages``: the alerts, each an offset from the due time (negative: before it) and what it does
  (``act``: the timeline event and the notifications);
- ``alerts``: the table that records each alert once, by a unique constraint on (subject, kind)
  or (subject, kind, window). A domain may keep its own table (the SLA's ``SlaEvent``, which the
  KPIs read); by default a rule records in the generic ``common.DeadlineAlert`` under its name;
- ``window``: for a repeating deadline, which period an alert belongs to. A subject is alerted
  once per (kind, window); when the window moves on (a new monitoring week, a rescheduled date)
  it is alerted again. A table without a window column gives one window per subject; in the
  generic table the window defaults to the due time, so a deadline that moves is a new window.

At ``now`` a subject is in the latest stage whose time has come (``due + offset <= now``) and only
that stage is alerted: a subject first seen after its deadline — registered late, or missed while
the worker was down — gets the escalation, not a reminder after the fact as well.

**Exactly once.** :func:`deadline_sweep` takes the due subjects in batches, each batch one
transaction whose rows are locked with ``SKIP LOCKED``, so concurrent sweeps split the work instead
of doubling it. Each subject is handled in its own savepoint after a fresh look under the lock (the
batch query's snapshot may predate a commit that closed the subject or alerted it); the unique
constraint catches whatever still slips through. A subject that fails is rolled back alone — its
alert row with it — logged, and retried by the next sweep; the others go on. Batches repeat until
nothing due is left, so one sweep catches up after an outage.

The clock is the caller's: ``now`` defaults to ``timezone.now()``; tests pass it or move it.
This module is generic: it imports no domain app (``common`` stays a leaf).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

log = logging.getLogger(__name__)

# A guard, not a limit anyone should reach: 200 batches of 500 is 100 000 subjects in one sweep.
MAX_BATCHES = 200
DUE = "deadline_due"        # annotation names on the subjects of the due query
WINDOW = "deadline_window"


@dataclass(frozen=True)
class Stage:
    """One alert of a rule: ``kind`` at ``offset`` from the due time; ``act(subject, alert)``
    writes the event and the notifications (``alert.at`` is the sweep's time)."""

    kind: str
    offset: timedelta
    act: Callable[[Any, Any], None]


@dataclass(frozen=True)
class AlertTable:
    """Where a rule records its alerts: a model whose unique constraint covers (``subject``,
    ``kind``) — and ``window`` when given. ``due`` names a column that keeps the due time the
    alert was about; ``scope`` holds fixed columns of the rule's rows (the generic table's rule)."""

    model: type[models.Model]
    subject: str
    kind: str = "kind"
    at: str = "at"
    window: str | None = None
    due: str | None = None
    scope: Mapping[str, Any] = field(default_factory=dict)

    @property
    def subject_column(self) -> str:
        return self.model._meta.get_field(self.subject).attname

    def recorded(self, kind: str) -> Exists:
        """Whether the outer subject has its ``kind`` alert (in its current window)."""
        lookup = {self.subject_column: OuterRef("pk"), self.kind: kind, **self.scope}
        if self.window:
            lookup[self.window] = OuterRef(WINDOW)
        return Exists(self.model.objects.filter(**lookup))

    def record(self, subject, kind: str, now: datetime):
        """Insert the alert row; ``None`` when an earlier or concurrent sweep already did."""
        values = {self.subject_column: subject.pk, self.kind: kind, self.at: now, **self.scope}
        if self.window:
            values[self.window] = getattr(subject, WINDOW)
        if self.due:
            values[self.due] = getattr(subject, DUE)
        try:
            with transaction.atomic():
                return self.model.objects.create(**values)
        except IntegrityError:
            return None


def _as_expression(value: str | models.Expression) -> models.Expression:
    return F(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Deadline:
    """A deadline rule (see the module docstring). ``clock`` turns the sweep's instant into the
    due column's terms — ``timezone.localdate`` for a date column; ``related`` is passed to
    ``select_related`` for what the stages' ``act`` reads."""

    name: str
    subjects: Callable[[], QuerySet]
    due: str | models.Expression
    stages: tuple[Stage, ...]
    alerts: AlertTable | None = None
    window: str | models.Expression | None = None
    clock: Callable[[datetime], Any] = lambda now: now
    related: tuple[str, ...] = ()

    def __post_init__(self):
        offsets = [s.offset for s in self.stages]
        if not offsets or offsets != sorted(set(offsets)):
            raise ValueError(f"{self.name}: stages need distinct offsets, earliest first")
        if len({s.kind for s in self.stages}) != len(self.stages):
            raise ValueError(f"{self.name}: one stage per kind")
        if self.alerts is None:
            from common.models import DeadlineAlert

            object.__setattr__(self, "alerts", AlertTable(DeadlineAlert, subject="subject_id",
                                                          window="window", scope={"rule": self.name}))
        if self.window is not None and not self.alerts.window:
            raise ValueError(f"{self.name}: {self.alerts.model.__name__} keeps no window")

    def stage_at(self, due, now: datetime) -> Stage | None:
        """The latest stage whose time has come for a subject due at ``due``."""
        at = self.clock(now)
        reached = [s for s in self.stages if due + s.offset <= at]
        return reached[-1] if reached else None


def deadline_due(rule: Deadline, *, now: datetime) -> QuerySet:
    """The subjects that need an alert at ``now``, earliest due first, in one query.

    Subjects whose current stage is already recorded are left out here, so a sweep that finds
    nothing to do touches nothing (and the unique constraint only has to catch real races)."""
    at = rule.clock(now)
    qs = rule.subjects().annotate(**{DUE: _as_expression(rule.due)})
    if rule.alerts.window:
        # Cast to the alert column's type in SQL, so that the value recorded and the value the
        # NOT EXISTS compares are the same (a date window in a timestamp column, say).
        window = _as_expression(rule.window if rule.window is not None else rule.due)
        column = rule.alerts.model._meta.get_field(rule.alerts.window)
        qs = qs.annotate(**{WINDOW: Cast(window, output_field=column.__class__())})
    reached = [Q(**{f"{DUE}__lte": at - stage.offset}) for stage in rule.stages]
    pending = Q()
    for i, stage in enumerate(rule.stages):
        in_stage = reached[i] & ~Q(rule.alerts.recorded(stage.kind))
        if i + 1 < len(rule.stages):
            in_stage &= ~reached[i + 1]
        pending |= in_stage
    return qs.filter(reached[0]).filter(pending).order_by(DUE, "pk")


def _alert(rule: Deadline, subject, now: datetime) -> str | None:
    """Record the subject's current stage once and act on it; returns the kind recorded."""
    stage = rule.stage_at(getattr(subject, DUE), now)
    if stage is None:
        return None
    alert = rule.alerts.record(subject, stage.kind, now)
    if alert is None:
        return None
    stage.act(subject, alert)
    return stage.kind


def deadline_check(rule: Deadline, *, subject, now: datetime | None = None) -> str | None:
    """Apply the rule to one subject at once (e.g. a complaint registered after its deadline),
    inside the caller's transaction; errors are the caller's. Returns the kind recorded."""
    now = now or timezone.now()
    found = deadline_due(rule, now=now).select_related(*rule.related).filter(pk=subject.pk).first()
    if found is None:
        return None
    with transaction.atomic():
        return _alert(rule, found, now)


def deadline_sweep(rule: Deadline, *, now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Alert every due subject exactly once; returns how many of each kind were recorded."""
    now = now or timezone.now()
    counts = {stage.kind: 0 for stage in rule.stages}
    failed: set = set()  # tried and failed in this sweep: left for the next one
    for _ in range(MAX_BATCHES):
        with transaction.atomic():
            qs = deadline_due(rule, now=now)
            if failed:
                qs = qs.exclude(pk__in=failed)
            due = list(qs.select_related(*rule.related)
                       .select_for_update(skip_locked=True, of=("self",))[:batch])
            for subject in due:
                try:
                    with transaction.atomic():
                        still_due = deadline_due(rule, now=now).filter(pk=subject.pk).exists()
                        kind = _alert(rule, subject, now) if still_due else None
                except Exception:
                    # The subject's savepoint is rolled back (its alert row too): the next sweep
                    # tries again. Only ids are logged, never what the subject holds.
                    log.exception("deadline %s: subject %s failed; the next sweep retries it",
                                  rule.name, subject.pk)
                    failed.add(subject.pk)
                    continue
                if kind:
                    counts[kind] += 1
        if len(due) < batch:
            break
    else:
        log.warning("deadline %s stopped after %s batches; the next sweep continues",
                    rule.name, MAX_BATCHES)
    return counts
