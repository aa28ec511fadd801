"""The former QualityPolicy rows become policy versions; snapshots and runs keep naming what they used."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.mark.django_db(transaction=True)
def test_quality_policy_rows_are_carried_over_as_versions():
    executor = MigrationExecutor(connection)
    before = [("dataquality", "0002_seed_policy"), ("policy", "0001_versioned_policy")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    QualityPolicy = old.get_model("dataquality", "QualityPolicy")
    QualitySnapshot = old.get_model("dataquality", "QualitySnapshot")
    OrgUnit = old.get_model("orgs", "OrgUnit")
    PolicyVersion = old.get_model("policy", "PolicyVersion")
    PolicyVersion.objects.all().delete()  # as in a database that had no policy app yet
    first, _ = QualityPolicy.objects.get_or_create(effective_from=dt.date(2013, 1, 1), defaults={
        "unit_pass_min": Decimal(95), "collection_min": Decimal(98), "accuracy_min": Decimal(95),
        "sample_size_per_unit": 20, "check_deadline_working_days": 5, "accuracy_window_days": 365})
    later = QualityPolicy.objects.create(
        effective_from=dt.date(2024, 6, 1), unit_pass_min=Decimal(90), collection_min=Decimal("98.5"),
        accuracy_min=Decimal(90), sample_size_per_unit=10, check_deadline_working_days=4, accuracy_window_days=180,
        source="2024年三级办会议")
    unit = OrgUnit.objects.create(name="市中心", kind="city_center", code="110000", region_path="/1/", level=1)
    QualitySnapshot.objects.create(unit=unit, date=dt.date(2014, 1, 1), policy=first)
    QualitySnapshot.objects.create(unit=unit, date=dt.date(2025, 1, 1), policy=later)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("dataquality", "0003_thresholds_to_policy")])
    new = executor.loader.project_state([("dataquality", "0003_thresholds_to_policy")]).apps
    PolicyVersion = new.get_model("policy", "PolicyVersion")
    QualitySnapshot = new.get_model("dataquality", "QualitySnapshot")
    rows = PolicyVersion.objects.filter(key="dataquality.collection_min").order_by("version")
    assert [(v.version, v.value, v.effective_from, v.status) for v in rows] == [
        (1, Decimal("98.00"), dt.date(2013, 1, 1), "approved"), (2, Decimal("98.50"), dt.date(2024, 6, 1), "approved")]
    assert PolicyVersion.objects.get(key="dataquality.check_days", version=2).value == 4
    old_snap = QualitySnapshot.objects.get(date=dt.date(2014, 1, 1))
    new_snap = QualitySnapshot.objects.get(date=dt.date(2025, 1, 1))
    assert old_snap.policy_versions["dataquality.collection_min"]["version"] == 1
    assert new_snap.policy_versions["dataquality.accuracy_window_days"] == {
        **new_snap.policy_versions["dataquality.accuracy_window_days"], "version": 2, "value": "180.00"}
    # Back to the latest state for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
