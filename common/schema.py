"""drf-spectacular extensions, loaded by ``CommonConfig.ready``."""

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme


class MemberTokenScheme(KnoxTokenScheme):
    """The security scheme of ``common.authentication.MemberTokenAuthentication``: knox's own."""

    target_class = "common.authentication.MemberTokenAuthentication"
