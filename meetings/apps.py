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
        # R9: a warning of temporary grants ending, and a flag of an emergency not formalised, say
        # "Selesai" once extended/confirmed, and once the case no longer awaits its decision.
        from meetings.services.emergencies import emergency_grant_expiring_done, emergency_unformalised_done

        register_done_resolver("emergency_grant_expiring", emergency_grant_expiring_done)
        register_done_resolver("emergency_unformalised", emergency_unformalised_done)
