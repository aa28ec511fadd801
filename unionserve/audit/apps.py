from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "unionserve.audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import signals  # noqa: F401  (connects the login signal receivers)

        post_migrate.connect(_keep_guard, sender=self)


def _keep_guard(sender, using="default", **kwargs) -> None:
    """Put the database guard back after migrations: SQLite rebuilds a table it alters, dropping its triggers."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from . import guard

    connection = connections[using]
    if guard.TABLE in connection.introspection.table_names() and MigrationRecorder(connection).migration_qs.filter(
            app="audit", name="0010_append_only_guard_in_database").exists():
        guard.install(connection)
