from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "learnplat.notifications"
    label = "learnplat_notifications"
    verbose_name = "Learnplat notifications"
    default_auto_field = "django.db.models.BigAutoField"
