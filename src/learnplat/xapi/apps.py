from django.apps import AppConfig, apps


class XapiConfig(AppConfig):
    name = "learnplat.xapi"
    label = "learnplat_xapi"
    verbose_name = "Learnplat xAPI"

    def ready(self) -> None:
        from learnplat.xapi import checks  # noqa: F401  (registers the system checks)

        # Without the outbox, learnplat_xapi.E001 says what is missing; importing it anyway
        # would fail the start-up with an ImportError instead.
        if apps.is_installed("learnplat.events"):
            from learnplat.events.sinks import register_sink
            from learnplat.xapi.sink import xapi_sink

            register_sink(xapi_sink)
