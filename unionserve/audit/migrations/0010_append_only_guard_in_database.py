"""Refuse UPDATE and DELETE of audit events in the database itself (SQLite and PostgreSQL triggers)."""

from django.db import migrations


def install(apps, schema_editor):
    from unionserve.audit import guard

    guard.install(schema_editor.connection)


def remove(apps, schema_editor):
    from unionserve.audit import guard

    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0009_import_files_deleted")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
