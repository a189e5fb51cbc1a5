from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (``manage.py seed_demo``). It sits on top of every app and owns no models."""

    name = "demo"
    verbose_name = "Demo"
