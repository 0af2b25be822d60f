from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The example project's own app: the landing page and the ``seed_demo`` command."""

    name = "demo"
    verbose_name = "learnplat demo"
