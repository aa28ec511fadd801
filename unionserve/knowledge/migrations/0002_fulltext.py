"""The full-text indexes: SQLite FTS5 external-content tables with sync triggers, or PostgreSQL generated
tsvector columns with GIN indexes (unionserve/knowledge/fulltext.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from unionserve.knowledge import fulltext

    fulltext.install(schema_editor)


def uninstall(apps, schema_editor):
    from unionserve.knowledge import fulltext

    fulltext.uninstall(schema_editor)


class Migration(migrations.Migration):

    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
