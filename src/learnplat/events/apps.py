from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "learnplat.events"
    label = "learnplat_events"
    verbose_name = "Learnplat events and webhooks"
    default_auto_field = "django.db.models.BigAutoField"
