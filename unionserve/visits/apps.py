from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "unionserve.visits"
    verbose_name = _("Served visits")

    def ready(self) -> None:
        # The member page shows the member's latest served visits and the count this year.
        from unionserve.members.public import register_section

        from .views import member_section

        register_section(_("Served visits"), "visits/_member_section.html", member_section)
