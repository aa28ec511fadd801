from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "unionserve.hotline"
    verbose_name = _("12351 worker service platform")

    def ready(self) -> None:
        from unionserve.members.public import register_section

        from . import receivers  # noqa: F401 - connects the signal receivers
        from .sections import requests_for_member

        register_section(_("12351 requests"), "hotline/_member_section.html", requests_for_member)

        from unionserve.workflow.panels import register_panel

        from .views import case_panel

        # The caller on the case page: a handling station calls them (seed 000 §四.1(2) 核实办理).
        register_panel("hotline", _("12351 caller"), "hotline/_case_panel.html", case_panel, order=5)

        from .cardpanel import card_panel

        # The caller's Jingka card and the card problems linked to the request (seed 000 §四.3(2)-(3)).
        register_panel("hotline_card", _("Jingka card"), "hotline/_card_panel.html", card_panel, order=6)
