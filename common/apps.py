from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Umum"

    def ready(self):
        from common import schema  # noqa: F401  (registers the OpenAPI extensions)
