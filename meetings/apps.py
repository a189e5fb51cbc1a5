from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Rapat penelaahan")

    def ready(self):
        from meetings import signing  # noqa: F401 — registers the minutes as a document kind
