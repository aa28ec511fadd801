"""Seed the four documents of mediation and legal aid with their default text (version 1)."""

from django.db import migrations


def seed(apps, schema_editor):
    from unionserve.documents.defaults import SPECS

    DocumentTemplate = apps.get_model("documents", "DocumentTemplate")
    DocumentTemplateVersion = apps.get_model("documents", "DocumentTemplateVersion")
    for spec in SPECS.values():
        template, created = DocumentTemplate.objects.get_or_create(
            code=spec.code, defaults={"title": spec.title, "description": spec.description, "body": spec.body})
        if created:
            DocumentTemplateVersion.objects.create(template=template, version=1, title=spec.title, body=spec.body,
                                                   note="初始版本")


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
