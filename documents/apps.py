from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Official letters and documents of the agencies: their numbers (and, later, the PDF and
    signing pipeline). Sits above ``agencies``; ``common`` never imports it."""

    name = "documents"
    verbose_name = _("Dokumen")

    def ready(self):
        from documents import checks  # noqa: F401  (registers the system check)
