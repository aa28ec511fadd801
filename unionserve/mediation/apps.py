from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "unionserve.mediation"
    verbose_name = _("Labor-dispute mediation")

    def ready(self) -> None:
        # The mediation panel on the engine's case page and the member page's list of a member's cases.
        from unionserve.members.public import register_section
        from unionserve.workflow.panels import register_panel

        from .views import case_panel, member_section

        register_panel("mediation", _("Mediation"), "mediation/_case_panel.html", case_panel, order=10)
        register_section(_("Labor-dispute mediation"), "mediation/_member_section.html", member_section)
