from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "unionserve.web"
    verbose_name = _("Page shell")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from unionserve.core.dbstats import after_migrate

        # Once per migrate run (sent for every app; this app's signal comes once), not once per app.
        post_migrate.connect(after_migrate, sender=self, dispatch_uid="web_refresh_statistics")
