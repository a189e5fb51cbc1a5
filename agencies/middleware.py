"""The request checks that ask about the user's memberships: the TOTP requirement for sensitive
roles and an active membership for every signed-in request. The checks that need no domain app
(idle timeout, body size) are in ``common.middleware``."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from agencies.models import Language
from agencies.selectors import user_context
from common.middleware import EXEMPT_PREFIXES, is_api, redirect_with_next

OTP_REQUIRED_API = _(
    "Peran Anda mewajibkan verifikasi kode autentikator. Verifikasi di aplikasi web terlebih "
    "dahulu, atau gunakan token API."
)

NO_MEMBERSHIP_API = _(
    "Akun Anda tidak memiliki keanggotaan aktif di lembaga mana pun. Hubungi administrator sistem."
)


def sign_in_paths() -> set[str]:
    """Sign-in, sign-out and the TOTP pages: reachable before TOTP and without a membership."""
    return {reverse("login"), reverse("logout"), reverse("otp-verify"), reverse("otp-enrol")}


class OTPRequiredMiddleware:
    """Users whose role needs TOTP must enrol and pass it before any other page.

    The session-authenticated API is held to the same rule (403); requests with an API token are
    not seen here as signed in — tokens are created only after TOTP (agencies.auth_views).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not request.path.startswith(self._exempt_prefixes())
            and request.path not in sign_in_paths()
        ):
            if user_context(user).needs_totp and not user.is_verified():
                if is_api(request):
                    return JsonResponse({"detail": str(OTP_REQUIRED_API)}, status=403)
                return redirect_with_next(request, reverse("otp-verify"))
        return self.get_response(request)

    @staticmethod
    def _exempt_prefixes() -> tuple[str, ...]:
        # The token views check TOTP themselves and explain the refusal (TOKEN_NEEDS_TOTP).
        return (reverse("token-create"),)


class ActiveMembershipMiddleware:
    """A signed-in user with no active membership today reaches nothing: every page answers the
    "ask your administrator" page and the session-authenticated API a JSON refusal, both 403.

    Checked at every request, so a membership that ends (``valid_until`` in the past, or an agency
    made inactive) ends access at the next request, whatever the session — no job, no logout
    needed. API tokens get the same check in ``agencies.authentication.MemberTokenAuthentication``.
    Sign-in, sign-out and the TOTP pages stay reachable, and a superuser keeps the Django admin (the
    bootstrap account that creates the first agencies and memberships; its own flag is its access).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and request.path not in sign_in_paths()
            and not (user.is_superuser and request.path.startswith(reverse("admin:index")))
        ):
            if not user_context(user).is_active_member:
                if is_api(request):
                    return JsonResponse({"detail": str(NO_MEMBERSHIP_API)}, status=403)
                return render(request, "agencies/no_membership.html", status=403)
        return self.get_response(request)


class InterfaceLanguageMiddleware(LocaleMiddleware):
    """The page language: the signed-in user's saved choice, else the choice made with the language
    selector on this browser (its cookie), else Bahasa Indonesia — never the browser's
    Accept-Language, since many staff browsers are set to English. API callers still negotiate
    with Accept-Language. Sits after AuthenticationMiddleware, as it reads the user."""

    def process_request(self, request):
        if is_api(request):
            return super().process_request(request)
        translation.activate(self.chosen_language(request) or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()

    @staticmethod
    def chosen_language(request) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in Language.values:
            return user.language
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        return cookie if cookie in Language.values else None
