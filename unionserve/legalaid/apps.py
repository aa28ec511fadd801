from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LegalAidConfig(AppConfig):
    name = "unionserve.legalaid"
    verbose_name = _("Legal aid")

    def ready(self) -> None:
        # The case page shows the legal-aid panel; the member page lists the member's legal-aid cases.
        from unionserve.members.public import register_section
        from unionserve.workflow.panels import register_panel

        from . import views

        register_panel("legalaid", _("Legal aid"), "legalaid/_case_panel.html", views.case_panel, order=20)
        register_section(_("Legal aid"), "legalaid/_member_section.html", views.member_section)
