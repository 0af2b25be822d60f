from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "learnplat.submissions"
    label = "learnplat_submissions"
    verbose_name = "Learnplat submissions"
    default_auto_field = "django.db.models.BigAutoField"
