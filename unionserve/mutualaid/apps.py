from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MutualaidConfig(AppConfig):
    name = "unionserve.mutualaid"
    verbose_name = _("Mutual aid")

    def ready(self) -> None:
        # The bank's answer marks the medical lines paid or failed; the member page shows the member's plans.
        from unionserve.members.public import register_section
        from unionserve.payouts.public import payment_settled

        from .signals import on_payment_settled
        from .views_plans import member_section

        payment_settled.connect(on_payment_settled, dispatch_uid="mutualaid.medical.settled")
        register_section(_("Mutual aid"), "mutualaid/_member_section.html", member_section)

        # Claims: their policy numbers, the panel on the engine's case page, the member page's section, and the
        # bank's answer for a claim's payment.
        from . import claims_apps

        claims_apps.ready()
