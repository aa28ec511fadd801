"""The first data-quality policy version, in force from 2013-01-01 (the operating mechanism, 京工发〔2013〕5号)."""

import datetime
from decimal import Decimal

from django.db import migrations

FIRST_POLICY = {
    "effective_from": datetime.date(2013, 1, 1),
    # No seed gives a minimum pass rate for unit information: project default, to be confirmed by the city office.
    "unit_pass_min": Decimal("95.00"),
    # seed 003: 已采集会员信息384万人，占全市会员总人数的98% — the collection level the city reached in 2012.
    "collection_min": Decimal("98.00"),
    # No seed gives a minimum accuracy: project default, to be confirmed by the city office.
    "accuracy_min": Decimal("95.00"),
    # No seed gives a sample size: 20 members per unit is a project default (a day's work for one social worker).
    "sample_size_per_unit": 20,
    # No seed gives the checking deadline: 5 working days, as the work-order process dispatches (workorders).
    "check_deadline_working_days": 5,
    # Accuracy counts the checks closed in the last year: project default.
    "accuracy_window_days": 365,
    "source": "种子文件003（会员信息采集98%）；其余为项目默认值，待市总工会三级办确认",
}


def seed(apps, schema_editor):
    QualityPolicy = apps.get_model("dataquality", "QualityPolicy")
    if not QualityPolicy.objects.filter(effective_from=FIRST_POLICY["effective_from"]).exists():
        QualityPolicy.objects.create(**FIRST_POLICY)


def unseed(apps, schema_editor):
    QualityPolicy = apps.get_model("dataquality", "QualityPolicy")
    QualityPolicy.objects.filter(effective_from=FIRST_POLICY["effective_from"], created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("dataquality", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
