"""API token authentication (django-rest-knox) that also asks for an active membership.

Kept apart from ``common.api``: DRF imports authentication classes while ``rest_framework.views``
is still loading, so this module must not import it; nor anything that loads models
(``agencies.selectors``, ``agencies.middleware``) before a token is checked.
"""

from knox.auth import TokenAuthentication
from rest_framework import exceptions


class MemberTokenAuthentication(TokenAuthentication):
    """knox tokens, checked at every request against the user's memberships: a user with no active
    membership today is refused with 403 — the answer the session gets from
    ``agencies.middleware.ActiveMembershipMiddleware``. The token itself is kept: it works again if
    the user is given a membership again, until it expires (``REST_KNOX["TOKEN_TTL"]``)."""

    def validate_user(self, auth_token):
        from agencies.middleware import NO_MEMBERSHIP_API
        from agencies.selectors import user_context

        user, token = super().validate_user(auth_token)
        if not user_context(user).is_active_member:
            raise exceptions.PermissionDenied(str(NO_MEMBERSHIP_API))
        return user, token
