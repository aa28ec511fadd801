from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    name = "unionserve.linkage"
    verbose_name = _("Six-party linkage")

    def ready(self) -> None:
        # The referral panel on every case page (any process can be referred to a partner).
        from unionserve.workflow.panels import register_panel

        from .views import case_panel

        register_panel("linkage", _("Partner referrals (六方联动)"), "linkage/_case_panel.html", case_panel, order=50)
