from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CardsConfig(AppConfig):
    name = "unionserve.cards"
    verbose_name = _("Jingka cards")

    def ready(self) -> None:
        # The member page's "Jingka card" section: the member's cards, their state and history.
        from unionserve.members.public import register_section

        from .views import member_section

        register_section(_("Jingka card"), "cards/_member_section.html", member_section)
