from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "learnplat.submissions"
    label = "learnplat_submissions"
    verbose_name = "Learnplat submissions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from learnplat.courses.signals import extension_changed

        # Registers the grader token scheme with drf-spectacular.
        from learnplat.submissions import openapi  # noqa: F401
        from learnplat.submissions.receivers import recompute_lateness_on_extension_change

        extension_changed.connect(
            recompute_lateness_on_extension_change,
            dispatch_uid="learnplat.submissions.recompute_lateness",
        )
