"""R9 (SKB E.3.a–b): an emergency is served at once and formalised at the nearest meeting.

- ``emergencies_unformalised_flag``: when a meeting closes, every emergency still awaiting its
  formal decision that was declared before the meeting opened and got no formal decision there
  (confirm/revoke, or a selection) is flagged to the Ketua, with a timeline event.
- ``emergency_grant_deadline``: the temporary emergency-referral grants never lapse silently. 24 h
  before one ends, the receiving agency's head is warned with a link to the one-click extension
  (``triage:extend``); while the case's decision waits in minutes ready for signature, the grant is
  instead extended — 24 h at a time, until the signing, which confirms or ends it — each extension
  with its timeline event (``ACCESS_EXTENDED``). The last stage, 1 h before the end, catches minutes
  that became ready after the warning. Alerts are recorded once per grant, stage and end time
  (``common.deadlines``): an extended grant is a new window, warned again before its new end.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role, User
from agencies.selectors import agency_heads, users_with_role
from cases.models import Case, CaseGrant, GrantSource
from cases.services import case_grant_extend
from common.deadlines import Deadline, Stage, deadline_sweep
from common.models import DeadlineAlert
from common.notifications import notify
from common.timefmt import date_label, datetime_label
from meetings import events
from meetings.models import Decision, DecisionKind, Meeting, Minutes, MinutesStatus
from triage.events import EMERGENCY_DECLARED

#: Decisions that formalise an emergency (its access confirmed or ended at signing).
FORMALISING_KINDS = (DecisionKind.EMERGENCY_CONFIRM, DecisionKind.EMERGENCY_REVOKE, DecisionKind.SELECT,
                     DecisionKind.NOT_SELECT)
WARN, HOLD = "warn", "hold"
WARN_BEFORE = timedelta(hours=24)
HOLD_BEFORE = timedelta(hours=1)
#: While the decision waits for signature, the grant is held this much longer each time.
HOLD_FOR = timedelta(hours=24)


# --- not formalised at the nearest held meeting ---------------------------------------------------

def emergencies_unformalised_flag(*, meeting: Meeting, actor: User | None) -> list[int]:
    """Flag to the Ketua each emergency the closed ``meeting`` did not formalise; returns the case
    ids. Called by ``meeting_close`` inside its transaction; safe to call twice (dedupe keys, and
    the event only with a new notification)."""
    if Minutes.objects.filter(meeting=meeting, amends__isnull=False).exists():
        return []  # an addendum corrects signed minutes: it is not "the nearest meeting"
    opened = meeting.opened_at or meeting.starts_at
    formalised = Decision.objects.filter(meeting=meeting, kind__in=FORMALISING_KINDS).values("case_id")
    cases = (Case.objects.filter(awaiting_formal_decision=True,
                                 events__event_type=int(EMERGENCY_DECLARED), events__at__lt=opened)
             .exclude(pk__in=formalised).distinct().order_by("pk"))
    chairs = list(users_with_role(roles=[Role.TP_KETUA]))
    flagged = []
    for case in cases:
        created = notify(users=chairs, kind="emergency_unformalised", case=case,
                         url=reverse("meetings:case-history", args=[case.pk]),
                         title=f"{case.number}: kasus darurat belum ditetapkan formal pada rapat "
                               f"{date_label(meeting.starts_at, lang='id')}; agendakan pada rapat "
                               "berikutnya",
                         dedupe_key=f"emergency-unformalised:{case.pk}:{meeting.pk}")
        if created or not chairs:
            events.emergency_not_formalised(case=case, actor=actor, meeting=meeting)
        flagged.append(case.pk)
    return flagged


# --- temporary grants never lapse silently --------------------------------------------------------

def _temporary_grants():
    return CaseGrant.objects.filter(source=GrantSource.EMERGENCY_REFERRAL, revoked_at__isnull=True,
                                    expires_at__isnull=False)


def decision_waits_for_signature(case_id: int) -> bool:
    """The case's decision stands in minutes ready for signature (not yet in effect)."""
    return Decision.objects.filter(case_id=case_id, applied_at__isnull=True,
                                   meeting__minutes__status=MinutesStatus.READY).exists()


def _hold(grant: CaseGrant, at: datetime) -> bool:
    if not decision_waits_for_signature(grant.content_object_id):
        return False
    case_grant_extend(actor=None, grant=grant, why="minutes_ready",
                      expires_at=max(grant.expires_at, at) + HOLD_FOR)
    return True


def _warn_head(grant: CaseGrant) -> None:
    case = grant.content_object
    until = timezone.localtime(grant.expires_at)
    heads = agency_heads(agency=case.receiving_agency)
    # One notice per case and end time (the grants of one referral end together); one timeline
    # row per grant (each grant's alert is recorded once per stage and end time).
    notify(users=heads, kind="emergency_grant_expiring", case=case,
           url=reverse("triage:detail", args=[case.pk]) + "#emergency",
           title=f"{case.number}: akses sementara rujukan darurat berakhir "
                 f"{datetime_label(until, lang='id')} — perpanjang dengan satu klik, atau biarkan berakhir",
           dedupe_key=f"emergency-grant-expiring:{case.pk}:{until:%Y%m%d%H%M}")
    events.emergency_grant_expiring(case=case, grant=grant)


def _warn(grant: CaseGrant, alert) -> None:
    if not _hold(grant, alert.at):
        _warn_head(grant)


def _last_call(grant: CaseGrant, alert) -> None:
    """1 h before the end: hold it if the decision now waits for signature; warn the head only if
    the 24-hour warning of this end time never went out (first seen this late)."""
    if _hold(grant, alert.at):
        return
    warned = DeadlineAlert.objects.filter(rule=alert.rule, subject_id=grant.pk, kind=WARN,
                                          window=alert.window).exists()
    if not warned:
        _warn_head(grant)


def emergency_grant_deadline() -> Deadline:
    return Deadline(
        name="meetings.emergency_grants",
        subjects=_temporary_grants,
        due="expires_at",
        stages=(Stage(WARN, -WARN_BEFORE, _warn), Stage(HOLD, -HOLD_BEFORE, _last_call)),
        related=("content_object__receiving_agency", "group__agency"),
    )


def emergency_grant_sweep(*, now: datetime | None = None) -> dict:
    """Beat: warn or hold each temporary emergency grant once per stage and end time."""
    now = now or timezone.now()
    # A grant that already ended is not "lapsing": what the sweep missed while down is not
    # warned after the fact.
    done = deadline_sweep(_only_live(emergency_grant_deadline(), now), now=now)
    return {"warned": done[WARN], "held": done[HOLD]}


def _only_live(rule: Deadline, now: datetime) -> Deadline:
    from dataclasses import replace

    return replace(rule, subjects=lambda: rule.subjects().filter(Q(expires_at__gt=now)))


# --- the inbox: notices whose task is done ----------------------------------------------------------

def _keys(notifications, prefix: str) -> dict[int, list[tuple[int, str]]]:
    """{case id: [(notification id, rest of the key)]} for keys ``prefix:<case>:<rest>``."""
    out: dict[int, list[tuple[int, str]]] = {}
    for n in notifications:
        head, _, rest = n.dedupe_key.partition(":")
        case_pk, _, tail = rest.partition(":")
        if head == prefix and case_pk.isdigit():
            out.setdefault(int(case_pk), []).append((n.pk, tail))
    return out


def emergency_grant_expiring_done(notifications) -> set[int]:
    """A warning is done once no temporary grant of the case still ends at the warned time (each
    was extended, confirmed or ended). One query."""
    by_case = _keys(notifications, "emergency-grant-expiring")
    still = {(g.content_object_id, f"{timezone.localtime(g.expires_at):%Y%m%d%H%M}")
             for g in _temporary_grants().filter(content_object_id__in=list(by_case),
                                                 expires_at__gt=timezone.now())}
    return {nid for case_pk, rows in by_case.items() for nid, until in rows if (case_pk, until) not in still}


def emergency_unformalised_done(notifications) -> set[int]:
    """A flag is done once the case no longer awaits its formal decision. One query."""
    by_case = _keys(notifications, "emergency-unformalised")
    waiting = set(Case.objects.filter(pk__in=list(by_case), awaiting_formal_decision=True)
                  .values_list("pk", flat=True))
    return {nid for case_pk, rows in by_case.items() if case_pk not in waiting for nid, _ in rows}
