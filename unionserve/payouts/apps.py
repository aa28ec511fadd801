from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayoutsConfig(AppConfig):
    name = "unionserve.payouts"
    verbose_name = _("Card payouts")

    def ready(self) -> None:
        # The member page's "Payments to the card" section.
        from unionserve.members.public import register_section

        from .views import member_section

        register_section(_("Payments to the card"), "payouts/_member_section.html", member_section)
