"""Keeps Django's ``has_perm`` consistent with cases.policies.

Grants are stored in guardian's direct-FK model, but guardian's own ObjectPermissionBackend is not
installed: it knows nothing of grant level, expiry or revocation (it would list a revoked grant in
``get_all_permissions``). This backend answers every object-permission question about a Case from
the policies: True when allowed, otherwise PermissionDenied, which stops Django from asking any
later backend.
"""

from django.core.exceptions import PermissionDenied

from cases.models import AccessLevel, Case

_PERM_LEVELS = {
    "cases.access_case": AccessLevel.SUMMARY,
    "cases.view_case": AccessLevel.SUMMARY,
}


class CasePolicyBackend:
    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if not isinstance(obj, Case):
            return False
        from cases.policies import case_access_level

        needed = _PERM_LEVELS.get(perm)
        if needed is not None and user_obj.is_active and case_access_level(user_obj, obj) >= needed:
            return True
        raise PermissionDenied
