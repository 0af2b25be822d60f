from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "learnplat.progress"
    label = "learnplat_progress"
    verbose_name = "Learnplat progress"
    default_auto_field = "django.db.models.BigAutoField"
