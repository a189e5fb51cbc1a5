from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Lembaga dan pengguna")

    def ready(self):
        from agencies import schema  # noqa: F401  (registers the OpenAPI extension of the token auth)
