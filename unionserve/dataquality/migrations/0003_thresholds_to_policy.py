"""The data-quality thresholds move onto the one policy mechanism (the policy app's PolicyVersion).

Each row of the former QualityPolicy table becomes, per number, an approved policy version with the same
effective date and source; the snapshots and sample-check runs that pointed at a row keep naming the versions
it became (``policy_versions``), so every earlier judgement still says which numbers it used.
"""

from decimal import Decimal

from django.db import migrations, models

# QualityPolicy field → policy key (dataquality/policies.py).
KEYS = {
    "unit_pass_min": "dataquality.unit_pass_min",
    "collection_min": "dataquality.collection_min",
    "accuracy_min": "dataquality.accuracy_min",
    "sample_size_per_unit": "dataquality.sample_size_per_unit",
    "check_deadline_working_days": "dataquality.check_days",
    "accuracy_window_days": "dataquality.accuracy_window_days",
}
CARRIED = "carried over from the data-quality policy table"


def carry_over(apps, schema_editor):
    QualityPolicy = apps.get_model("dataquality", "QualityPolicy")
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    QualitySnapshot = apps.get_model("dataquality", "QualitySnapshot")
    SampleCheckRun = apps.get_model("dataquality", "SampleCheckRun")
    for row in QualityPolicy.objects.order_by("effective_from", "pk"):
        record = {}
        for field, key in KEYS.items():
            value = Decimal(getattr(row, field)).quantize(Decimal("0.01"))
            version = PolicyVersion.objects.filter(key=key, status="approved", effective_from=row.effective_from,
                                                   value=value).first()
            if version is None:
                last = PolicyVersion.objects.filter(key=key).order_by("-version").first()
                who = row.created_by.get_username() if row.created_by_id else ""
                # No second person approved the old rows: they are carried as system records (no proposer),
                # with who added them in the reason.
                version = PolicyVersion.objects.create(
                    key=key, version=(last.version + 1) if last else 1, value=value,
                    effective_from=row.effective_from, source=row.source or CARRIED,
                    reason=f"{CARRIED}{' (' + who + ')' if who else ''}", status="approved",
                    proposed_at=row.created_at, decided_at=row.created_at)
            record[key] = {"version": version.version, "version_id": version.pk, "value": str(version.value),
                           "effective_from": version.effective_from.isoformat()}
        QualitySnapshot.objects.filter(policy_id=row.pk).update(policy_versions=record)
        SampleCheckRun.objects.filter(policy_id=row.pk).update(policy_versions=record)


class Migration(migrations.Migration):

    dependencies = [
        ("dataquality", "0002_seed_policy"),
        ("policy", "0001_versioned_policy"),
    ]

    operations = [
        migrations.AddField(
            model_name="qualitysnapshot",
            name="policy_versions",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="samplecheckrun",
            name="policy_versions",
            field=models.JSONField(blank=True, default=dict),
        ),
        # Not reversible: the versions may since have been changed in the policy pages.
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.RemoveField(model_name="samplecheckrun", name="policy"),
        migrations.RemoveField(model_name="qualitysnapshot", name="policy"),
        migrations.DeleteModel(name="QualityPolicy"),
    ]
