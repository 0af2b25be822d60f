from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "learnplat.progress"
    label = "learnplat_progress"
    verbose_name = "Learnplat progress"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from learnplat.courses.signals import course_grading_changed
        from learnplat.progress.receivers import refresh_totals_on_grading_change

        course_grading_changed.connect(
            refresh_totals_on_grading_change,
            dispatch_uid="learnplat.progress.refresh_course_totals",
        )
