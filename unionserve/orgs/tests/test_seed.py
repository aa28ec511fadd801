"""The Beijing tree from the shared divisions file."""

from unionserve.orgs.models import OrgUnit, UnitKind
from unionserve.orgs.seed import seed_beijing


def test_seed_builds_both_lines_once(db):
    seed_beijing()
    by_kind = {k: OrgUnit.objects.filter(kind=k).count() for k in UnitKind.values}
    assert by_kind[UnitKind.CITY_CENTER] == 1
    assert by_kind[UnitKind.DISTRICT_CENTER] == 16
    assert by_kind[UnitKind.DEV_AREA_CENTER] == 1
    # 343 streets/towns + 5 special zones as park stations + the Development Area's own station.
    assert by_kind[UnitKind.STATION] == 349
    assert OrgUnit.objects.filter(kind=UnitKind.STATION, note="").count() == 343
    assert by_kind[UnitKind.INDUSTRY_UNION] == 8
    assert by_kind[UnitKind.COMPANY_UNION] == 24
    assert by_kind[UnitKind.GRASSROOTS] > 0
    dev_area = OrgUnit.objects.get(code="110115403")
    assert dev_area.kind == UnitKind.DEV_AREA_CENTER and dev_area.level == 2
    assert OrgUnit.objects.get(code="110101001").name == "东华门街道工会服务站"
    both = OrgUnit.objects.filter(kind=UnitKind.GRASSROOTS, region_path__isnull=False, industry_path__isnull=False)
    assert both.exists()
    total = OrgUnit.objects.count()
    seed_beijing()
    assert OrgUnit.objects.count() == total
