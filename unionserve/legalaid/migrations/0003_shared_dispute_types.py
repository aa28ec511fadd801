"""Legal aid uses the dispute types shared with mediation (core.vocab.DisputeType), guarded by a CHECK constraint.

Its own codes map one to one: insurance → social_insurance, overtime → hours (the column widens for the longer
code). The others (wages, dismissal, injury, contract, other) keep their codes; "contract" was labelled "No written
contract (double pay)" and is now "Labor contract", the kind that includes it.
"""

from django.db import migrations, models

OLD_TO_NEW = {"insurance": "social_insurance", "overtime": "hours"}


def _recode(apps, mapping: dict[str, str]) -> None:
    LegalAidCase = apps.get_model("legalaid", "LegalAidCase")
    for old, new in mapping.items():
        LegalAidCase.objects.filter(dispute_type=old).update(dispute_type=new)


def forward(apps, schema_editor):
    _recode(apps, OLD_TO_NEW)


def backward(apps, schema_editor):
    _recode(apps, {new: old for old, new in OLD_TO_NEW.items()})


class Migration(migrations.Migration):

    dependencies = [
        ('legalaid', '0002_money_field'),
    ]

    operations = [
        migrations.AlterField(
            model_name='legalaidcase',
            name='dispute_type',
            field=models.CharField(choices=[('wages', 'Wages and pay'), ('contract', 'Labor contract'), ('dismissal', 'Dismissal and severance'), ('social_insurance', 'Social insurance'), ('injury', 'Work injury'), ('hours', 'Working hours and overtime'), ('collective', 'Collective dispute'), ('other', 'Other')], max_length=20, verbose_name='dispute'),
        ),
        migrations.RunPython(forward, backward, elidable=False),
        migrations.AddConstraint(
            model_name='legalaidcase',
            constraint=models.CheckConstraint(condition=models.Q(('dispute_type__in', ['wages', 'contract', 'dismissal', 'social_insurance', 'injury', 'hours', 'collective', 'other'])), name='legalaid_dispute_type_coded'),
        ),
    ]
