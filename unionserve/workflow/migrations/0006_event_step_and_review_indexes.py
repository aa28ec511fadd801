"""Indexes for deleting steps: their review steps (`reviews`) and timeline entries (`step`).

Without them every deleted step scanned both tables (a clean-up of load-test cases ran for minutes). Partial
indexes: most steps review nothing and many timeline entries name no step. The plain index on `reviews` gives
way to the partial one.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workflow', '0005_step_policy_version'),
    ]

    operations = [
        migrations.AlterField(
            model_name='step',
            name='reviews',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reviewed_by', to='workflow.step'),
        ),
        migrations.AddIndex(
            model_name='caseevent',
            index=models.Index(condition=models.Q(('step__isnull', False)), fields=['step'], name='event_step'),
        ),
        migrations.AddIndex(
            model_name='step',
            index=models.Index(condition=models.Q(('reviews__isnull', False)), fields=['reviews'], name='step_reviews'),
        ),
    ]
