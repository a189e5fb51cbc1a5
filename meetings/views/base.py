"""What the meeting pages share: the member check, the editor check, fetching an agenda item, the
small-POST shape and the messages. Every view module of the package uses these."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from common.errors import ApplicationError, error_to_form, form_error_text
from meetings import forms, policies, selectors, services
from meetings.models import WEEKLY_SELECTION_TARGET


def member_required(view):
    """Team members only: anyone else gets 404 where the URL names a meeting, else 403."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not policies.is_member(request.user):
            if "meeting" in kwargs:
                raise Http404
            raise DjangoPermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def editor_or_404(request):
    """A member who may see but not edit gets 404 on an editing POST (docs/access.md)."""
    if not policies.can_edit(request.user):
        raise Http404


def selection_target(meeting, *, count: int | None = None) -> dict:
    """The weekly selection target and how far the meeting got (``meeting.selected_count``, or the
    ``count`` given — the meetings list gives the selections in signed minutes)."""
    if count is None:
        count = getattr(meeting, "selected_count", 0)
    return {"count": count, "target": WEEKLY_SELECTION_TARGET, "met": count >= WEEKLY_SELECTION_TARGET}


def back_to(meeting, name="detail"):
    """Back to one of the meeting's pages (``meetings:<name>``)."""
    return redirect(f"meetings:{name}", meeting=meeting.pk)


def refused(request, exc: ApplicationError):
    """Show a service's refusal as an error message on the next page."""
    messages.error(request, exc.message)


def identity_to_form(form, exc: ApplicationError) -> str:
    """Show a refusal on ``form``; the identity check's refusal goes under the field it was found in,
    with the matched word — the one place that word is shown (never in a message constant, the API
    or a log). Returns the word ("" when none)."""
    word = getattr(exc, "word", "") if isinstance(exc, services.IdentityFound) else ""
    field = getattr(exc, "form_field", None)
    if isinstance(exc, services.IdentityFound) and field in form.fields:
        msgs = [exc.message]
        if word:
            msgs.append(_("Kata yang cocok dengan nama: “%(word)s”.") % {"word": word})
        form.add_error(field, msgs)
        return word
    error_to_form(form, exc)
    return ""


def posted_reason(form) -> str:
    """The reason of a bound reason form. A reason that is too long is refused with the form's own
    message (it names the limit); an empty one is left to the service, which refuses it."""
    if form.is_valid():
        return form.cleaned_data["reason"]
    if form.data.get("reason", "").strip():
        raise ApplicationError(form_error_text(form))
    return ""


def meeting_post(request, meeting, action):
    """Shared shape of the small editing POSTs: fetch, check editor, call, message, back."""
    m = selectors.meeting_get_for_user(user=request.user, id=meeting)
    editor_or_404(request)
    try:
        text = action(m)
    except ApplicationError as exc:
        refused(request, exc)
    else:
        if text:
            messages.success(request, text)
    return m


def agenda_item_get(request, meeting, item):
    """The meeting's agenda item, fetched for the user (404 when missing or not theirs)."""
    return selectors.agenda_item_get_for_user(user=request.user, meeting_id=meeting, item_id=item)


def criteria_labels(codes) -> list[str]:
    """The criteria's names (triage/rules.py) for their codes, in the decree's order."""
    from triage.rules import CRITERION_LABELS

    return [str(CRITERION_LABELS.get(c, c)) for c in codes or []]


def item_context(request, it, **extra):
    """What an agenda item's page shows: presentation, joint assessment, decision, action items."""
    decision = getattr(it, "decision", None) if hasattr(it, "decision") else None
    assessment = getattr(it, "assessment", None) if hasattr(it, "assessment") else None
    a_initial = {}
    if assessment:
        for f in ("violence", "urgency", "psychosocial", "coordination"):
            a_initial[f"{f}_rating"] = getattr(assessment, f"{f}_rating")
            a_initial[f"{f}_notes"] = getattr(assessment, f"{f}_notes")
    d_initial = {}
    if decision:
        d_initial = {"kind": decision.kind, "reason": decision.reason,
                     "serving_agencies": list(decision.serving_agencies.all()),
                     "coordinator_agency": decision.coordinator_agency,
                     "case_coordinator": decision.case_coordinator}
    m = it.meeting
    can_edit = (policies.can_edit(request.user) and m.minutes.is_draft and m.opened_at is not None)
    presentation = getattr(it, "presentation", None) if hasattr(it, "presentation") else None
    basis_presentation, basis_assessment = services.decision_basis(meeting=m, case=it.case)
    eligible, criteria = services.triage_summary(case=it.case)
    if decision:
        d_initial.update(priority_pilot=decision.priority_pilot, priority_reason=decision.priority_reason)
    ctx = {
        "meeting": m, "item": it, "case": it.case, "decision": decision, "assessment": assessment,
        "presentation": presentation,
        "can_edit": can_edit, "can_present": policies.can_present(request.user, it),
        # An oral presentation is recorded at the opened meeting where none was written beforehand.
        "can_record_oral": can_edit and (presentation is None or presentation.is_oral),
        "oral_form": forms.OralPresentationForm(initial={
            "presenter": presentation.oral_presenter, "chronology": presentation.chronology,
            "current_condition": presentation.current_condition, "obstacles": presentation.obstacles,
            "common_words": presentation.confirmed_common_words} if presentation else None),
        # What a selection rests on (R5–R7), here or at an earlier meeting, and the triage (R23).
        "basis": {"presentation": basis_presentation, "assessment": basis_assessment,
                  "earlier": bool(basis_presentation and basis_presentation.agenda_item_id != it.pk)
                  or bool(basis_assessment and basis_assessment.agenda_item_id != it.pk)},
        "triage": {"eligible": eligible, "criteria": criteria_labels(criteria)},
        "assessment_form": forms.AssessmentForm(initial=a_initial),
        "decision_form": forms.DecisionForm(initial=d_initial, item=it),
        "action_form": forms.ActionItemForm(),
        "action_items": list(decision.action_items.all()) if decision else [],
    }
    ctx.update(extra)
    return ctx
