"""System check: guardian's ObjectPermissionBackend must not be installed.

Case grants are rows of guardian's direct-FK model, but guardian's backend knows nothing of a
grant's level, expiry or revocation: ``user.get_all_permissions(case)`` would list a revoked grant.
guardian itself registers the opposite check (``guardian.W001``: "backend is not hooked") when its
package is imported. That warning is replaced here by an error for the backend's presence, so
``check --deploy`` stays clean with nothing silenced. This is the one module that names guardian's
backend (tests/cases/test_guardian_rule.py allows it for that).
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks

GUARDIAN_BACKEND = "guardian.backends.ObjectPermissionBackend"


def guardian_backend_not_installed(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if GUARDIAN_BACKEND in settings.AUTHENTICATION_BACKENDS:
        return [checks.Error(
            f"{GUARDIAN_BACKEND} counts revoked and expired case grants.",
            hint="Remove it from AUTHENTICATION_BACKENDS; cases.backends.CasePolicyBackend answers "
                 "object permissions on cases from cases.policies.",
            id="cases.E001",
        )]
    return []


def register() -> None:
    from guardian.checks import check_settings

    checks.registry.registry.registered_checks.discard(check_settings)
    checks.register(guardian_backend_not_installed, checks.Tags.security)
