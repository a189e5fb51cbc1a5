"""Minutes: the notes, submitting them for signature and returning them to draft. Signing, the signed
PDF and the addendum are in ``meetings.views.signing``."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.errors import ApplicationError
from meetings import forms, policies, selectors, services
from meetings.views.base import back_to, editor_or_404, identity_to_form, member_required, refused


@member_required
@require_http_methods(["GET", "POST"])
def minutes(request, meeting: int):
    m = selectors.meeting_get_for_user(user=request.user, id=meeting)
    form = forms.MinutesNotesForm(request.POST or None, initial={"notes": m.minutes.notes})
    if request.method == "POST":
        editor_or_404(request)
        try:
            if request.POST.get("action") == "ready":
                services.minutes_mark_ready(actor=request.user, meeting=m)
                messages.success(request, _("Notula diajukan untuk ditandatangani."))
            elif request.POST.get("action") == "draft":
                services.minutes_return_to_draft(actor=request.user, meeting=m)
                messages.success(request, _("Notula dikembalikan ke draf."))
            elif form.is_valid():
                services.minutes_update_notes(actor=request.user, meeting=m,
                                              notes=form.cleaned_data.get("notes", ""))
                messages.success(request, _("Catatan notula disimpan."))
            else:
                # Too long: the page again, with the text as typed and the limit under the field.
                return _minutes_page(request, m, form, status=400)
        except services.IdentityFound as exc:
            # A name in the notes: the page again, the text as typed and the word under the field.
            identity_to_form(form, exc)
            return _minutes_page(request, m, form, status=400)
        except ApplicationError as exc:
            refused(request, exc)
        return back_to(m, "minutes")
    return _minutes_page(request, m, form)


def _minutes_page(request, m, form, *, status=200):
    from meetings.signing import minutes_context, signer_position

    ctx = minutes_context(m)
    ctx.update({
        "form": form, "can_edit": policies.can_edit(request.user),
        "can_sign": m.minutes.status == "ready"
        and signer_position(actor=request.user, meeting=m) is not None,
    })
    return render(request, "meetings/minutes.html", ctx, status=status)
