from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = _("Verifikasi dan triase")

    def ready(self):
        from cases.signals import triage_facts_changed
        from triage.services import triage_facts_changed_receiver

        # cases may not import triage: a victim added or corrected reaches the triage by this signal.
        triage_facts_changed.connect(triage_facts_changed_receiver, dispatch_uid="triage_facts_changed")
