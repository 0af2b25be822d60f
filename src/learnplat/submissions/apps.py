from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "learnplat.submissions"
    label = "learnplat_submissions"
    verbose_name = "Learnplat submissions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the grader token scheme with drf-spectacular.
        from learnplat.submissions import openapi  # noqa: F401
