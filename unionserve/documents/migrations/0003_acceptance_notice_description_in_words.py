"""The acceptance notice's description named a template variable ("context 的 kind"); say it in words.

Only a description still as seeded is replaced: one the city office rewrote stays theirs.
"""

from django.db import migrations

OLD = "劳动争议调解或法律援助申请受理后通知申请人（context 的 kind 说明是哪一种）"
NEW = "劳动争议调解或法律援助申请受理后通知申请人（同一份通知书用于两种申请，由受理的业务决定写哪一种）"


def reword(apps, schema_editor):
    DocumentTemplate = apps.get_model("documents", "DocumentTemplate")
    DocumentTemplate.objects.filter(code="acceptance_notice", description=OLD).update(description=NEW)


def restore(apps, schema_editor):
    DocumentTemplate = apps.get_model("documents", "DocumentTemplate")
    DocumentTemplate.objects.filter(code="acceptance_notice", description=NEW).update(description=OLD)


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_default_templates")]

    operations = [migrations.RunPython(reword, restore)]
