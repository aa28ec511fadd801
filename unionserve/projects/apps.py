from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "unionserve.projects"
    verbose_name = _("Service projects")

    def ready(self) -> None:
        from unionserve.members.public import register_section
        from unionserve.workflow.panels import register_panel

        from . import panels

        register_panel("projects", _("Service project"), "projects/_case_panel.html", panels.case_panel, order=20)
        register_section(_("Service projects rated"), "projects/_member_section.html", panels.member_section)
