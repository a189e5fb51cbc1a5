"""Sign-in: password (django-axes lockout), TOTP enrolment and verification, API tokens."""

from __future__ import annotations

import base64
import secrets
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from agencies.reauth import verify_totp
from agencies.selectors import user_context
from common.middleware import IDLE_FLAG
from common.qr import qr_svg_data_uri

LOGIN_INVALID = gettext_lazy(
    "Nama pengguna atau kata sandi salah. Periksa kembali lalu coba lagi. "
    "Setelah beberapa kali gagal, akun dikunci sementara."
)
LOGIN_INACTIVE = gettext_lazy("Akun ini tidak aktif. Hubungi administrator sistem.")
SESSION_IDLE_ENDED = gettext_lazy("Sesi Anda berakhir karena tidak aktif. Silakan masuk lagi.")
OTP_INVALID = gettext_lazy(
    "Kode tidak valid atau sudah dipakai. Tunggu kode berikutnya lalu coba lagi."
)
OTP_THROTTLED = gettext_lazy("Terlalu banyak kode yang salah. Tunggu sebentar lalu coba lagi.")
OTP_ENROL_MISMATCH = gettext_lazy("Kode tidak cocok. Periksa jam di ponsel Anda lalu coba lagi.")
TOKEN_NEEDS_TOTP = gettext_lazy(
    "Token API hanya dapat dibuat setelah verifikasi kode autentikator pada sesi ini."
)
TOKEN_REVOKE_NEEDS_TOTP = gettext_lazy(
    "Token API hanya dapat dicabut setelah verifikasi kode autentikator pada sesi ini."
)

#: The plain token of a new API token lives only in the cache, for this long, until the profile
#: page shows it once: the database holds nothing but knox's digest.
_NEW_TOKEN_TTL = 120
_NEW_TOKEN_SESSION_KEY = "_new_token_ref"


class LoginForm(AuthenticationForm):
    error_messages = {"invalid_login": LOGIN_INVALID, "inactive": LOGIN_INACTIVE}


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get(self, request, *args, **kwargs):
        if request.session.pop(IDLE_FLAG, False):
            messages.info(request, SESSION_IDLE_ENDED)
        return super().get(request, *args, **kwargs)


class OTPTokenForm(forms.Form):
    otp_token = forms.CharField(
        label=gettext_lazy("Kode autentikator (6 digit)"), max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": "[0-9]{6}", "autofocus": True}),
    )


def safe_next(request, default: str | None = None) -> str:
    """``next`` from the request when it is a local path on this host; otherwise ``default``."""
    nxt = request.POST.get("next") or request.GET.get("next")
    if nxt and nxt.startswith("/") and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return default if default is not None else reverse("home")


def with_next(url: str, nxt: str | None) -> str:
    return f"{url}?{urlencode({'next': nxt})}" if nxt else url


def _pass_totp(request, device) -> None:
    otp_login(request, device)
    # A session that gained the second factor gets a new key, as it did at password login.
    request.session.cycle_key()


@never_cache
@login_required
def otp_verify(request):
    nxt = safe_next(request, "")
    if not user_has_device(request.user, confirmed=True):
        return redirect(with_next(reverse("otp-enrol"), nxt))
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, throttled = verify_totp(user=request.user, token=form.cleaned_data["otp_token"])
        if device is not None:
            _pass_totp(request, device)
            return redirect(nxt or reverse("home"))
        form.add_error("otp_token", OTP_THROTTLED if throttled else OTP_INVALID)
    return render(request, "registration/otp_verify.html", {"form": form, "next": nxt})


@never_cache
@login_required
def otp_enrol(request):
    nxt = safe_next(request, "")
    if user_has_device(request.user, confirmed=True):
        # A second device is added only by an administrator: otherwise a stolen password alone
        # could enrol the thief's phone.
        return redirect(with_next(reverse("otp-verify"), nxt))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="Autentikator", confirmed=False)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            _pass_totp(request, device)
            messages.success(request, _("Autentikator berhasil didaftarkan."))
            return redirect(nxt or reverse("home"))
        form.add_error("otp_token", OTP_ENROL_MISMATCH)
    secret_b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "registration/otp_enrol.html", {
        "form": form, "qr": qr_svg_data_uri(device.config_url, box_size=8, border=4), "secret": secret_b32,
        "next": nxt,
    })


def _token_allowed(request) -> bool:
    """A user who has TOTP (or must) manages tokens only in a session that passed it."""
    needs = user_context(request.user).needs_totp or user_has_device(request.user, confirmed=True)
    return (not needs) or request.user.is_verified()


@never_cache
@login_required
def profile(request):
    new_token = None
    ref = request.session.pop(_NEW_TOKEN_SESSION_KEY, None)
    if ref:
        new_token = cache.get(f"new-token:{ref}")
        cache.delete(f"new-token:{ref}")
    tokens = AuthToken.objects.filter(user=request.user).order_by("-created")
    return render(request, "registration/profile.html", {
        "tokens": tokens, "token_allowed": _token_allowed(request),
        "has_totp": user_has_device(request.user, confirmed=True),
        "verified": request.user.is_verified(),
        "new_token": new_token,
    })


@login_required
@require_POST
def token_create(request):
    if not _token_allowed(request):
        messages.error(request, TOKEN_NEEDS_TOTP)
        return redirect("profile")
    _instance, token = AuthToken.objects.create(user=request.user)
    # Shown once on the next page. Kept out of the session (a database table) on purpose.
    ref = secrets.token_urlsafe(16)
    cache.set(f"new-token:{ref}", token, timeout=_NEW_TOKEN_TTL)
    request.session[_NEW_TOKEN_SESSION_KEY] = ref
    messages.success(
        request, _("Token API dibuat. Salin sekarang: token tidak akan ditampilkan lagi.")
    )
    return redirect("profile")


@login_required
@require_POST
def token_revoke(request, token_key: str):
    if not _token_allowed(request):
        messages.error(request, TOKEN_REVOKE_NEEDS_TOTP)
        return redirect("profile")
    deleted, _count = AuthToken.objects.filter(user=request.user, token_key=token_key).delete()
    if not deleted:
        raise Http404
    messages.success(request, _("Token API dicabut."))
    return redirect("profile")
