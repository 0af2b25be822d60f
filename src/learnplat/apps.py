from django.apps import AppConfig


class LearnplatConfig(AppConfig):
    """The core app: registers the system checks. Add ``"learnplat"`` to INSTALLED_APPS."""

    name = "learnplat"
    label = "learnplat"
    verbose_name = "Learnplat"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from learnplat import cache, checks, schema  # noqa: F401  (register checks and schema extensions)

        # Every model a cached body shows invalidates it when saved or deleted.
        cache.connect()
