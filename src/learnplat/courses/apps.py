from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "learnplat.courses"
    label = "learnplat_courses"
    verbose_name = "Learnplat courses"
    default_auto_field = "django.db.models.BigAutoField"
