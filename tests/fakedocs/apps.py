from django.apps import AppConfig


class FakeDocsConfig(AppConfig):
    """A test-only app (config.settings.test): a second document kind, unlike the minutes, that
    proves documents.registry.document_sign and documents.freeze are generic."""

    name = "tests.fakedocs"
    label = "fakedocs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tests.fakedocs import kinds  # noqa: F401 — registers the test letter kind
