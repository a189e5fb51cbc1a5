from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Kasus")

    def ready(self):
        from cases import checks
        from cases.event_registry import registry

        checks.register()
        # Every app's events.py declares its timeline types; a number used twice or outside its
        # app's block stops the start (ImproperlyConfigured), before any row is written.
        registry.ensure_loaded()
        registry.check()
