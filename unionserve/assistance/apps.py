from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "unionserve.assistance"
    verbose_name = _("Assistance")

    def ready(self) -> None:
        # The case page shows the file's summary; the member page the hardship file (masked) and the grants.
        from unionserve.members.public import register_section
        from unionserve.workflow.panels import register_panel

        from . import views

        register_panel("assistance", _("Assistance"), "assistance/_case_panel.html", views.case_panel, order=20)
        register_section(_("Assistance"), "assistance/_member_section.html", views.member_section)
