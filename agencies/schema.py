"""drf-spectacular extensions, loaded by ``AgenciesConfig.ready``."""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme


class MemberTokenScheme(KnoxTokenScheme):
    """The security scheme of ``agencies.authentication.MemberTokenAuthentication``: knox's own."""

    target_class = "agencies.authentication.MemberTokenAuthentication"
