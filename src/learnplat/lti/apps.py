from __future__ import annotations

from importlib import import_module

from django.apps import AppConfig, apps


class LtiConfig(AppConfig):
    name = "learnplat.lti"
    label = "learnplat_lti"
    verbose_name = "Learnplat LTI 1.3 tool"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from learnplat.lti import checks  # noqa: F401  (registers the settings checks)

        # AGS passback is one more sink of the outbox: only where the events app is there.
        if apps.is_installed("learnplat.events"):
            # By name: a static import here would put the outbox's models in one import cycle
            # with the app registry for mypy's Django plugin, which then cannot type them.
            import_module("learnplat.lti.sink").register()
