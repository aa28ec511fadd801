"""Mediation cases hold one of the shared dispute types (core.vocab.DisputeType): a CHECK constraint guards it."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('mediation', '0001_initial'),
        ('members', '0006_coded_employment_education_hukou'),
        ('workflow', '0004_lean_timeline_indexes'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='mediationcase',
            constraint=models.CheckConstraint(condition=models.Q(('dispute_type__in', ['wages', 'contract', 'dismissal', 'social_insurance', 'injury', 'hours', 'collective', 'other'])), name='mediation_dispute_type_coded'),
        ),
    ]
