"""Joint unions (联合工会) made by the import before there was one code scheme get the scheme's code.

A transfer named a station's joint union ``<station code>LH``; the import made it with the tree's internal code
(``U0000123``). Both now go through members.actions.joint_union_for, which finds a joint union by that code first.
An existing joint union (a grassroots union under a station, named after it) whose code differs is given the
scheme's code when that is free and fits the 20 characters; its history records the change. Member rows are
untouched (they point at the unit, not its code). Going back leaves the codes as they are.
"""

from django.db import migrations

JOINT_UNION_SUFFIX = "联合工会"
STATION_SUFFIX = "工会服务站"
CODE_MAX = 20


def _snapshot(unit) -> dict:
    return {"name": unit.name, "code": unit.code, "status": unit.status, "region_parent": unit.region_parent_id,
            "industry_parent": unit.industry_parent_id}


def forward(apps, schema_editor):
    OrgUnit = apps.get_model("orgs", "OrgUnit")
    OrgUnitEvent = apps.get_model("orgs", "OrgUnitEvent")
    joint_unions = OrgUnit.objects.filter(kind="grassroots", region_parent__kind="station",
                                          name__endswith=JOINT_UNION_SUFFIX).select_related("region_parent")
    for unit in joint_unions:
        station = unit.region_parent
        code = f"{station.code}LH"
        if unit.name != station.name.strip().removesuffix(STATION_SUFFIX) + JOINT_UNION_SUFFIX:
            continue  # a union that only happens to end in 联合工会
        if unit.code == code or len(code) > CODE_MAX or OrgUnit.objects.filter(code=code).exists():
            continue
        before = _snapshot(unit)
        unit.code = code
        unit.save(update_fields=["code"])
        OrgUnitEvent.objects.create(unit=unit, action="updated", before=before, after=_snapshot(unit),
                                    reason="Joint union code: one scheme for transfers and imports")


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0006_coded_employment_education_hukou"),
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop, elidable=False),
    ]
