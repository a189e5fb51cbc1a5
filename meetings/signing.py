"""Signing the minutes (SKB E.1.c): a selection is valid and binding only when it stands in minutes
with a decision log signed by the presiding officer or a designated official.

The minutes are one kind of signed document (:class:`MinutesDocument`), signed through the one
service every signed document uses, ``documents.registry.document_sign``: the signer re-authenticates
(password + a fresh TOTP code, ``agencies.reauth``) before the transaction opens, so that wrong
passwords count towards the django-axes lockout and wrong codes towards django-otp's throttling even
though the signature is refused. Then, in one transaction, it checks that the document shown is the
document signed (canonical content hash), renders the PDF, signs it (PAdES), registers it with its
SHA-256, freezes the minutes and puts every decision into effect. Database triggers
(documents.freeze, migration 0006) refuse any later change of signed minutes, their decisions
(except stamping ``applied_at`` once, when they take effect), serving agencies, attendance and
action-item definitions.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import User
from agencies.reauth import BAD_PASSWORD as BAD_PASSWORD  # re-exported: the sign page and tests
from agencies.reauth import BAD_TOTP as BAD_TOTP
from agencies.selectors import active_delegation_for
from cases.lifecycle import case_status_allowed, case_status_change, complaint_outcome_set
from cases.models import (
    AccessLevel,
    CaseGrant,
    CaseStatus,
    Complaint,
    ComplaintOutcome,
    GrantSource,
)
from cases.services import case_grant_access, case_revoke_access, case_revoke_source
from common.audit import save_with_history
from common.errors import ActionNotAllowed, ApplicationError
from documents.freeze import Freeze
from documents.registry import DocumentKind, Signature, document_sign, kind_register
from meetings import events
from meetings.models import (
    ActionItem,
    AgendaStatus,
    Decision,
    DecisionKind,
    Meeting,
    Minutes,
    MinutesStatus,
    ScreeningOutcome,
)
from meetings.models.decisions import SELECTING_KINDS
from meetings.models.meeting import WEEKLY_SELECTION_TARGET
from meetings.services.coordination import decision_signed_notify

NOT_SIGNER = _("Hanya pimpinan rapat ini atau pejabat yang ditunjuk (dengan penunjukan yang berlaku) "
               "yang dapat menandatangani.")
ALREADY_SIGNED = _("Notula ini sudah ditandatangani dan tidak dapat diubah.")
NOT_READY = _("Notula belum diajukan untuk ditandatangani.")
CONTENT_CHANGED = _("Isi notula berubah sejak Anda membukanya. Baca ulang dokumen sebelum menandatangani.")



# --- what the document says --------------------------------------------------------------------

def minutes_context(meeting: Meeting) -> dict:
    """Everything the minutes show, for the HTML preview and the PDF alike."""
    from meetings import selectors
    from triage.rules import CRITERION_LABELS

    items = list(selectors.agenda_items(meeting=meeting))
    for it in items:  # the triage's criteria as the decision recorded them (R23)
        decision = getattr(it, "decision", None) if hasattr(it, "decision") else None
        it.criteria_labels = [CRITERION_LABELS.get(c, c) for c in (decision.criteria_met if decision else [])]
    summary = selectors.screening_summary(meeting=meeting)
    selected = sum(1 for i in items if getattr(i, "decision", None) is not None
                   and i.decision.kind in SELECTING_KINDS)
    minutes = meeting.minutes
    return {
        "meeting": meeting,
        "minutes": minutes,
        "attendance": list(selectors.meeting_attendance(meeting=meeting)),
        "screening_rows": [(label, summary.get(value, 0)) for value, label in ScreeningOutcome.choices],
        "discussed": [i for i in items if i.status != AgendaStatus.DEFERRED],
        "deferred": [i for i in items if i.status == AgendaStatus.DEFERRED],
        "action_items": list(ActionItem.objects.filter(meeting=meeting)
                             .select_related("case", "responsible_agency").order_by("due_date", "id")),
        "target": {"count": selected, "target": WEEKLY_SELECTION_TARGET,
                   "met": selected >= WEEKLY_SELECTION_TARGET},
        "amends": minutes.amends,
        # R4: what the meeting screened and what it carried over to the next one.
        "screened_count": sum(summary.values()),
        "complaints_carried": meeting.complaints_carried,
        "items_carried": sum(1 for i in items if i.status == AgendaStatus.DEFERRED
                             or (getattr(i, "decision", None) is not None
                                 and i.decision.kind == DecisionKind.DEFER)),
    }


def minutes_content_hash(meeting: Meeting) -> str:
    """A canonical hash of the minutes' content (not of its rendering): what the signer saw.
    Always read from the database, never from an object the caller may hold stale."""
    meeting = Meeting.objects.select_related("minutes").get(pk=meeting.pk)
    ctx = minutes_context(meeting)
    decisions = Decision.objects.filter(meeting=meeting).prefetch_related("serving_agencies").order_by("id")
    content = {
        "meeting": [meeting.pk, meeting.title, meeting.starts_at.isoformat(), meeting.place,
                    meeting.presiding_officer_id, meeting.presiding_role,
                    meeting.opened_at and meeting.opened_at.isoformat(),
                    meeting.closed_at and meeting.closed_at.isoformat(), meeting.complaints_carried],
        "attendance": [[a.user_id, a.name, a.position, a.agency_id] for a in ctx["attendance"]],
        "screening": ctx["screening_rows"] and [[str(label), n] for label, n in ctx["screening_rows"]],
        "agenda": [[i.pk, i.case.number, i.status,
                    getattr(getattr(i, "presentation", None), "pk", None),
                    getattr(getattr(i, "assessment", None), "pk", None)] for i in ctx["discussed"]],
        "decisions": [[d.pk, d.case_id, d.kind, d.reason, sorted(a.pk for a in d.serving_agencies.all()),
                       d.coordinator_agency_id, d.supersedes_id, d.triage_eligible, list(d.criteria_met),
                       d.priority_pilot, d.priority_reason, d.case_coordinator_id] for d in decisions],
        "actions": [[a.pk, a.decision_id, a.description, a.responsible_agency_id, a.due_date.isoformat()]
                    for a in ctx["action_items"]],
        "notes": ctx["minutes"].notes,
        "amends": ctx["minutes"].amends_id,
    }
    raw = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(raw).hexdigest()


# --- who signs -------------------------------------------------------------------------------------

def signer_position(*, actor: User, meeting: Meeting, day=None) -> str | None:
    """The capacity in which ``actor`` may sign this meeting's minutes, or None."""
    day = day or timezone.localdate()
    if meeting.presiding_officer_id == actor.pk:
        return meeting.get_presiding_role_display()
    delegation = active_delegation_for(actor, day=day)
    if delegation is not None:
        return f"Pejabat yang ditunjuk ({delegation.reason})"[:200]
    return None


def _may_sign(*, actor: User, meeting: Meeting, minutes: Minutes) -> str:
    """The signer's position, or the refusal: signed already, not a signer, not ready."""
    if minutes.status == MinutesStatus.SIGNED:
        raise ApplicationError(ALREADY_SIGNED)
    position = signer_position(actor=actor, meeting=meeting)
    if position is None:
        raise ActionNotAllowed(NOT_SIGNER)
    if minutes.status != MinutesStatus.READY:
        raise ApplicationError(NOT_READY)
    return position


# --- the document kind ------------------------------------------------------------------------

def _put_decisions_into_effect(signature: Signature) -> None:
    """The minutes' effect: every decision they carry takes effect (_apply_decisions, below)."""
    minutes = signature.obj
    _apply_decisions(actor=signature.actor, meeting=minutes.meeting, minutes=minutes,
                     doc_code=signature.code, at=signature.signed_at)


class MinutesDocument(DocumentKind):
    """Minutes with their decision log. Signing freezes the minutes, the meeting's attendance, its
    decisions (with their serving agencies) and action items; follow-ups stay writable."""

    code = "minutes"
    model = Minutes
    template_name = "meetings/minutes_pdf.html"
    reason = "Pengesahan notula dan log keputusan"
    freeze = Freeze(
        flag="document",
        rows=("meeting__attendance", "meeting__decisions", "meeting__decisions__serving_agencies",
              "meeting__action_items"),
        # Signing puts each decision into effect and stamps the time, once.
        once={"meeting__decisions": ("applied_at",)},
    )
    already_signed = ALREADY_SIGNED
    content_changed = CONTENT_CHANGED

    def fetch(self, obj: Minutes, *, lock: bool) -> Minutes:
        if lock:  # the meeting first, then its minutes: the order every meeting service locks in
            Meeting.objects.select_for_update(of=("self",)).filter(minutes__pk=obj.pk).get()
            return (Minutes.objects.select_for_update(of=("self",))
                    .select_related("meeting__presiding_officer").get(pk=obj.pk))
        return Minutes.objects.select_related("meeting__presiding_officer").get(pk=obj.pk)

    def signer_position(self, *, actor: User, obj: Minutes) -> str:
        return _may_sign(actor=actor, meeting=obj.meeting, minutes=obj)

    def content_hash(self, obj: Minutes) -> str:
        return minutes_content_hash(obj.meeting)

    def context(self, obj: Minutes) -> dict:
        return minutes_context(obj.meeting)

    def title(self, obj: Minutes) -> str:
        return f"Notula {obj.meeting.title}"

    def subject_date(self, obj: Minutes):
        return timezone.localdate(obj.meeting.starts_at)

    def mark_signed(self, signature: Signature) -> list[str]:
        minutes = signature.obj
        minutes.status = MinutesStatus.SIGNED
        minutes.signed_at = signature.signed_at
        minutes.signed_by = signature.actor
        minutes.signer_position = signature.position
        minutes.content_hash = signature.content_hash
        return ["status", "signed_at", "signed_by", "signer_position", "content_hash", "updated_at"]

    effects = (_put_decisions_into_effect,)


MINUTES = kind_register(MinutesDocument())



def minutes_sign(*, actor: User, meeting: Meeting, password: str, otp_token: str, shown_hash: str,
                 request: HttpRequest) -> Minutes:
    """Sign ``meeting``'s minutes as ``actor``, who re-authenticates on ``request``
    (documents.registry.document_sign: who may sign first, then the password and code outside any
    transaction, then the signing transaction, which checks everything again under the locks)."""
    minutes = Minutes.objects.only("pk").get(meeting_id=meeting.pk)
    return document_sign(request=request, actor=actor, kind=MINUTES, obj=minutes, password=password,
                         otp_token=otp_token, shown_content_hash=shown_hash)


def _set_outcome(complaints, outcome, *, actor, reason):
    for c in complaints:
        complaint_outcome_set(actor=actor, complaint=c, to=outcome, reason=reason)


def _set_case(case, *, actor, reason, status=None, awaiting=None):
    # A signed decision moves the case only where the lifecycle allows it: a case voided meanwhile
    # stays voided (and one past selection keeps its stage); DECISION_SIGNED still records it.
    if status is not None and case_status_allowed(case.status, status):
        case_status_change(actor=actor, case=case, to=status, reason=reason)
    if awaiting is not None and case.awaiting_formal_decision != awaiting:
        case.awaiting_formal_decision = awaiting
        save_with_history(case, actor=actor, update_fields=["awaiting_formal_decision", "updated_at"])


def _revoke_temporary(case, *, actor, reason):
    """The meeting did not confirm the emergency: every temporary emergency-referral grant ends
    (grants of other sources stay)."""
    case_revoke_source(actor=actor, case=case, source=GrantSource.EMERGENCY_REFERRAL, reason=reason,
                       check_actor=False)


def _grant_ref(doc_code: str) -> str:
    """The ``source_ref`` of the grants a signed minutes gives: names the document they stand on."""
    return f"notula {doc_code}"


def _apply_decisions(*, actor: User, meeting: Meeting, minutes: Minutes, doc_code: str, at) -> None:
    ref = _grant_ref(doc_code)
    # Screening outcomes become complaint outcomes (proposed ones wait for their decision).
    screened = meeting.screenings.select_related("complaint", "case")
    for s in screened.exclude(outcome=ScreeningOutcome.PROPOSED):
        if not s.complaint.outcome:
            outcome = (ComplaintOutcome.OUTSIDE_CRITERIA if s.outcome == ScreeningOutcome.OUTSIDE_CRITERIA
                       else ComplaintOutcome.HANDLED_BY_AGENCY)
            _set_outcome([s.complaint], outcome, actor=actor, reason=f"screening_{s.outcome}")
            if s.case.status in (CaseStatus.REGISTERED, CaseStatus.TRIAGED):
                _set_case(s.case, actor=actor, status=CaseStatus.HANDLED_BY_AGENCY,
                          reason=f"screening_{s.outcome}")

    decisions = (Decision.objects.filter(meeting=meeting, applied_at__isnull=True)
                 .select_related("case", "coordinator_agency", "case_coordinator", "supersedes__case",
                                 "superseded_by")
                 .prefetch_related("serving_agencies").order_by("id"))
    for d in decisions:
        case = d.case
        reason = f"decision_{d.kind}"
        newer = getattr(d, "superseded_by", None)
        if newer is not None and newer.applied_at is not None:
            # R7: a newer decision on the case (a later meeting's) is signed already: it stands.
            events.decision_overtaken(case=case, actor=actor, decision=d, newer=newer, document=doc_code,
                                      meeting=meeting)
            continue
        if d.supersedes_id and d.supersedes.applied_at is not None:
            _undo(d.supersedes, actor=actor, reason=f"Diganti oleh keputusan {doc_code}")
        open_complaints = list(Complaint.objects.filter(case=case, outcome=""))
        if d.kind in SELECTING_KINDS:
            agencies = {a.pk: a for a in d.serving_agencies.all()}
            if d.coordinator_agency_id:
                agencies[d.coordinator_agency_id] = d.coordinator_agency
            for agency in agencies.values():
                if agency.pk != case.receiving_agency_id:
                    case_grant_access(actor=actor, case=case, agency=agency, level=AccessLevel.SERVICE,
                                      source=GrantSource.SIGNED_DECISION, source_ref=ref,
                                      check_actor=False)
            # Temporary emergency grants: an agency the decision names now holds the decision's
            # own grant (above), so its temporary one ends as confirmed; on an emergency
            # confirmation, one it does not name loses what the referral gave. Either way only the
            # referral's row ends: what any other source gave stays.
            temporary = CaseGrant.objects.filter(content_object=case, revoked_at__isnull=True,
                                                 source=GrantSource.EMERGENCY_REFERRAL)
            for g in temporary.select_related("group__agency").order_by("id"):
                if g.group.agency.pk in agencies:
                    case_revoke_access(actor=actor, grant=g, check_actor=False,
                                       reason=f"Dikukuhkan keputusan rapat ({ref})")
                elif d.kind == DecisionKind.EMERGENCY_CONFIRM:
                    case_revoke_access(actor=actor, grant=g, check_actor=False,
                                       reason=f"Tidak ditetapkan ({ref})")
            _set_outcome(open_complaints, ComplaintOutcome.SELECTED, actor=actor, reason=reason)
            _set_case(case, actor=actor, status=CaseStatus.SELECTED, awaiting=False, reason=reason)
        elif d.kind in (DecisionKind.NOT_SELECT, DecisionKind.EMERGENCY_REVOKE):
            _revoke_temporary(case, actor=actor, reason=f"Keputusan rapat ({ref})")
            _set_outcome(open_complaints, ComplaintOutcome.HANDLED_BY_AGENCY, actor=actor, reason=reason)
            _set_case(case, actor=actor, status=CaseStatus.HANDLED_BY_AGENCY, awaiting=False, reason=reason)
        d.applied_at = at
        save_with_history(d, actor=actor, update_fields=["applied_at"])
        events.decision_signed(case=case, actor=actor, decision=d, document=doc_code, meeting=meeting)
        if d.kind in SELECTING_KINDS and d.case_coordinator_id:
            events.case_coordinator_named(case=case, actor=actor, decision=d, document=doc_code)
        # R26: the agencies the signed decision names, and the coordinator, are told now.
        decision_signed_notify(decision=d, doc_code=doc_code)

    _withdraw_carried(meeting=meeting, actor=actor)


def _withdraw_carried(*, meeting: Meeting, actor: User) -> None:
    """R7: the cases that came back to a coming meeting only because this meeting's minutes were
    not signed leave its agenda now that they are — while that meeting has not opened and nothing
    was prepared for them (history and the timeline keep the item)."""
    from meetings.models import AgendaItem, CarryReason, MeetingStatus

    back = (AgendaItem.objects.filter(carried_from__meeting=meeting, carry_reason=CarryReason.UNSIGNED,
                                      meeting__status=MeetingStatus.SCHEDULED, status=AgendaStatus.PENDING,
                                      decision__isnull=True, presentation__isnull=True,
                                      assessment__isnull=True)
            .select_related("case", "meeting"))
    for item in back:
        events.agenda_withdrawn(case=item.case, actor=actor, meeting=item.meeting)
        item._history_user = actor
        item.delete()


def _undo(old: Decision, *, actor: User, reason: str) -> None:
    """An addendum supersedes ``old``: the access that decision gave — the signed-decision grants
    whose reference is its minutes — is revoked (history keeps it). Grants from any other source
    (the head's own, an emergency referral, a later decision) stay."""
    document = (Minutes.objects.filter(meeting_id=old.meeting_id)
                .values_list("document__code", flat=True).first())
    case_revoke_source(actor=actor, case=old.case, source=GrantSource.SIGNED_DECISION,
                       source_ref=_grant_ref(document), reason=reason, check_actor=False)


NOT_SIGNED_YET = _("Addendum hanya untuk notula yang sudah ditandatangani.")


@transaction.atomic
def addendum_create(*, actor: User, minutes: Minutes, place: str = "") -> Meeting:
    """Corrections to signed minutes: a new (ad-hoc) meeting whose minutes reference the original
    and whose agenda holds the original's cases. A decision recorded there supersedes the original
    decision on that case; it takes effect — and revokes what the original gave — when the
    addendum is signed the same way."""
    from meetings import policies
    from meetings.services.agenda import agenda_put
    from meetings.services.meetings import meeting_new

    if not policies.can_edit(actor):
        raise ActionNotAllowed(_("Anda tidak berwenang menyiapkan rapat."))
    original = Minutes.objects.select_for_update(of=("self",)).select_related("meeting", "document").get(
        pk=minutes.pk)
    if original.status != MinutesStatus.SIGNED:
        raise ApplicationError(NOT_SIGNED_YET)
    code = original.document.code if original.document else original.pk
    meeting = meeting_new(actor=actor, kind="ad_hoc", starts_at=timezone.now() + timedelta(minutes=5),
                          place=place or original.meeting.place, online_link=original.meeting.online_link,
                          title=f"Addendum notula {code}")
    addendum = meeting.minutes  # the row meeting_new just created (cached on the meeting)
    addendum.amends = original
    save_with_history(addendum, actor=actor, update_fields=["amends", "updated_at"])
    for d in Decision.objects.filter(meeting=original.meeting).select_related("case").order_by("id"):
        agenda_put(meeting=meeting, case=d.case, kind="other", actor=actor)
    return meeting
