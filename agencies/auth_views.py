"""Sign-in: password (django-axes lockout), TOTP enrolment and verification, API tokens."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from agencies.selectors import user_context

TOKEN_NEEDS_TOTP = gettext_lazy(
    "Token API hanya dapat dibuat setelah verifikasi kode autentikator pada sesi ini."
)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class OTPTokenForm(forms.Form):
    otp_token = forms.CharField(
        label=gettext_lazy("Kode autentikator (6 digit)"), max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": "[0-9]{6}", "autofocus": True}),
    )


def _safe_next(request, default="home"):
    nxt = request.POST.get("next") or request.GET.get("next")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return nxt
    return default


def _confirmed_devices(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True)


@login_required
def otp_verify(request):
    if not user_has_device(request.user, confirmed=True):
        return redirect(f"/akun/otp/daftar/?next={_safe_next(request, '/')}")
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["otp_token"]
        for device in _confirmed_devices(request.user):
            if device.verify_token(token):
                otp_login(request, device)
                return redirect(_safe_next(request))
        form.add_error("otp_token", _("Kode tidak valid atau sudah dipakai. Coba kode berikutnya."))
    return render(request, "registration/otp_verify.html", {"form": form,
                                                            "next": _safe_next(request, "")})


def _qr_svg(uri: str) -> str:
    img = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buf = io.BytesIO()
    img.save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode()


@login_required
def otp_enrol(request):
    if user_has_device(request.user, confirmed=True):
        return redirect("otp-verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Autentikator", confirmed=False)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Autentikator berhasil didaftarkan."))
            return redirect(_safe_next(request))
        form.add_error("otp_token", _("Kode tidak cocok. Periksa jam di ponsel Anda lalu coba lagi."))
    secret_b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "registration/otp_enrol.html", {
        "form": form, "qr": _qr_svg(device.config_url), "secret": secret_b32,
        "next": _safe_next(request, ""),
    })


def _token_allowed(request) -> bool:
    """A user who has TOTP (or must) creates tokens only in a session that passed it."""
    needs = user_context(request.user).needs_totp or user_has_device(request.user, confirmed=True)
    return (not needs) or request.user.is_verified()


@login_required
def profile(request):
    tokens = AuthToken.objects.filter(user=request.user).order_by("-created")
    return render(request, "registration/profile.html", {
        "tokens": tokens, "token_allowed": _token_allowed(request),
        "has_totp": user_has_device(request.user, confirmed=True),
        "new_token": request.session.pop("new_token", None),
    })


@login_required
@require_POST
def token_create(request):
    if not _token_allowed(request):
        messages.error(request, TOKEN_NEEDS_TOTP)
        return redirect("profile")
    _, token = AuthToken.objects.create(user=request.user)
    # Shown once on the next page, then gone from the session.
    request.session["new_token"] = token
    messages.success(request, _("Token API dibuat. Salin sekarang: token tidak akan ditampilkan lagi."))
    return redirect("profile")


@login_required
@require_POST
def token_revoke(request, token_key: str):
    deleted, _count = AuthToken.objects.filter(user=request.user, token_key=token_key).delete()
    if not deleted:
        raise Http404
    messages.success(request, _("Token API dicabut."))
    return redirect("profile")
