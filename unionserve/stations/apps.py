from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "unionserve.stations"
    verbose_name = _("Service stations")

    def ready(self) -> None:
        # The report reminders' texts join the outbox's registry (the outbox sits below and cannot import us).
        from unionserve.workflow.panels import register_panel

        from .notices import register
        from .views import acceptance_panel

        register()
        register_panel("stations", _("Standardization checklist"), "stations/_acceptance_panel.html",
                       acceptance_panel, order=10)
