from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Rapat penelaahan")

    def ready(self):
        from common.notifications import register_done_resolver
        from meetings import signing  # noqa: F401 — registers the minutes as a document kind
        from meetings.selectors import minutes_ready_done

        # The chair's "minutes ready to sign" says "Selesai" once the minutes are signed.
        register_done_resolver("minutes_ready", minutes_ready_done)
        register_done_resolver("minutes_unsigned", minutes_ready_done)
