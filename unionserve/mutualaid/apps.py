from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MutualaidConfig(AppConfig):
    name = "unionserve.mutualaid"
    verbose_name = _("Mutual aid")

    def ready(self) -> None:
        # Claims: their policy numbers, the panel on the engine's case page, the member page's section, and the
        # bank's answer for a claim's payment.
        from . import claims_apps

        claims_apps.ready()
