"""Signing the minutes, downloading the signed PDF, and the list of signed minutes."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from agencies.selectors import user_context
from common.audit import access_log_record
from common.errors import ActionNotAllowed, ApplicationError, error_to_form
from common.models import AccessAction
from meetings import policies, selectors, signing
from meetings.models import Minutes, MinutesStatus


class SignForm(forms.Form):
    password = forms.CharField(label=_("Kata sandi"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    otp_token = forms.CharField(label=_("Kode autentikator (6 digit)"), max_length=6, min_length=6,
                                widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                              "inputmode": "numeric"}))
    content_hash = forms.CharField(widget=forms.HiddenInput)


@login_required
@require_http_methods(["GET", "POST"])
def minutes_sign_view(request, meeting: int):
    m = selectors.meeting_get_for_user(user=request.user, id=meeting)
    if m.minutes.is_signed:
        messages.info(request, signing.ALREADY_SIGNED)
        return redirect("meetings:minutes", meeting=m.pk)
    position = signing.signer_position(actor=request.user, meeting=m)
    if position is None:
        raise Http404
    content_hash = signing.minutes_content_hash(m)
    form = SignForm(request.POST or None, initial={"content_hash": content_hash})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                signing.minutes_sign(actor=request.user, meeting=m, password=form.cleaned_data["password"],
                                     otp_token=form.cleaned_data["otp_token"],
                                     shown_hash=form.cleaned_data["content_hash"], request=request)
            except (ApplicationError, ActionNotAllowed) as exc:
                error_to_form(form, exc)
                if exc.message == signing.CONTENT_CHANGED:
                    form = SignForm(initial={"content_hash": content_hash})
                    error_to_form(form, exc)
            else:
                messages.success(request, _("Notula ditandatangani. Keputusan rapat kini berlaku."))
                return redirect("meetings:minutes", meeting=m.pk)
        status = 400
    ctx = signing.minutes_context(m)
    ctx.update({"form": form, "signer_position": position, "content_hash": content_hash})
    return render(request, "meetings/sign.html", ctx, status=status)


def _may_download(user) -> bool:
    ctx = user_context(user)
    return policies.is_member(user) or ctx.is_ministry_viewer


@login_required
def minutes_pdf(request, meeting: int):
    """The signed PDF, for team members and ministry viewers; every download is logged."""
    if not _may_download(request.user):
        raise Http404
    minutes = (Minutes.objects.select_related("document", "meeting")
               .filter(meeting_id=meeting, status=MinutesStatus.SIGNED).first())
    if minutes is None or minutes.document is None:
        raise Http404
    access_log_record(request=request, user=request.user, action=AccessAction.DOWNLOAD,
                      obj=minutes.document)
    return FileResponse(minutes.document.pdf.open("rb"), as_attachment=True,
                        filename=f"notula-{minutes.document.code}.pdf", content_type="application/pdf")


@login_required
def signed_minutes_list(request):
    """Signed minutes, newest first: for ministry viewers and team members (no case details)."""
    if not _may_download(request.user):
        raise Http404
    rows = (Minutes.objects.filter(status=MinutesStatus.SIGNED)
            .select_related("meeting", "document", "signed_by").order_by("-signed_at")[:200])
    return render(request, "meetings/signed_list.html", {"rows": rows})


@login_required
@require_http_methods(["POST"])
def addendum_create_view(request, meeting: int):
    m = selectors.meeting_get_for_user(user=request.user, id=meeting)
    if not policies.can_edit(request.user):
        raise Http404
    try:
        addendum = signing.addendum_create(actor=request.user, minutes=m.minutes)
    except (ApplicationError, ActionNotAllowed) as exc:
        messages.error(request, exc.message)
        return redirect("meetings:minutes", meeting=m.pk)
    messages.success(request, _("Rapat addendum dibuat. Buka rapat, catat keputusan pengganti, lalu "
                                "ajukan notulanya untuk ditandatangani."))
    return redirect("meetings:detail", meeting=addendum.pk)
