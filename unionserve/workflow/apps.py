from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowConfig(AppConfig):
    name = "unionserve.workflow"
    verbose_name = _("Workflow")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from . import receivers  # noqa: F401  (calendar changes recompute provisional deadlines)
        from .registry import registry

        # Every app may declare its processes in `<app>/process.py`; each registers itself.
        autodiscover_modules("process")
        registry.validate_all()
