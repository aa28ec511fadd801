"""The Beijing demo organization: the real tree of :mod:`unionserve.orgs.setup` plus a sample of companies and
grassroots unions.

The regional line and the industry unions are real (2023 statistical division codes) and are what
``manage.py setup_federation --beijing`` loads for a real installation. The company and grassroots unions here
are a realistic demo sample (the benchmark generator in bench/ builds the full ~50,000 units).
Decisions: docs/decisions/0002-org-tree.md.
"""

from __future__ import annotations

from django.db import transaction

from .actions import create_unit
from .models import OrgUnit, UnitKind
from .setup import CITY_CODE, DEV_AREA_CODE, SPECIAL_ZONE_MIN, beijing_units, load_divisions, load_units

# Kept importable from here: the demo and the benchmark generator read them.
__all__ = ["CITY_CODE", "DEV_AREA_CODE", "SPECIAL_ZONE_MIN", "load_divisions", "seed_beijing", "seed_demo_sample"]

DEMO_COMPANIES = {
    "IND01": ["北京大学工会", "北京师范大学工会", "北京市第四中学工会"],
    "IND02": ["北京协和医院工会", "北京朝阳医院工会", "北京天坛医院工会"],
    "IND03": ["中国工商银行北京市分行工会", "北京银行工会", "北京农商银行工会"],
    "IND04": ["北京城建集团工会", "北京建工集团工会", "北京住总集团工会"],
    "IND05": ["北京公交集团工会", "北京地铁运营有限公司工会", "首都机场集团工会"],
    "IND06": ["王府井集团工会", "首农食品集团工会", "物美集团工会"],
    "IND07": ["北京能源集团工会", "北京燃气集团工会", "北京排水集团工会"],
    "IND08": ["北京市园林绿化局工会", "北京市水务局工会", "北京市气象局工会"],
}

#: Stations outside the first few of their district that also get demo grassroots unions: 中关村街道, where the
#: demo account `station2` works (accounts/demo.py), so its members, requests and cases are there to see.
#: They are made after the rest, so the codes of the other sample unions stay as they were.
EXTRA_SAMPLE_STATIONS = ("110108011",)

GRASSROOTS_SAMPLE = ["科技有限公司", "商贸有限公司", "物业管理有限公司", "餐饮管理有限公司", "建筑工程有限公司"]


@transaction.atomic
def seed_demo_sample(grassroots_per_station: int = 2, sample_stations_per_district: int = 3) -> int:
    """Add the demo companies and grassroots unions that are missing (by code). Returns how many were added."""
    units = {u.code: u for u in OrgUnit.objects.filter(kind__in=[UnitKind.INDUSTRY_UNION, UnitKind.COMPANY_UNION,
                                                                  UnitKind.STATION, UnitKind.GRASSROOTS])}
    added = 0

    def unit(code: str, **fields) -> OrgUnit:
        nonlocal added
        if code not in units:
            units[code] = create_unit(code=code, **fields)
            added += 1
        return units[code]

    companies = [
        unit(f"{industry}C{i:02d}", name=name, kind=UnitKind.COMPANY_UNION, industry_parent=units[industry])
        for industry, names in DEMO_COMPANIES.items()
        for i, name in enumerate(names, start=1)
    ]
    # Where the demo grassroots unions go: the first stations of each district, then the extra ones.
    stations: list[tuple[OrgUnit, str]] = []
    for district in load_divisions()["districts"]:
        for street in district["streets"][:sample_stations_per_district]:
            station_code = f"{street['code']}S" if street["code"] == DEV_AREA_CODE else street["code"]
            stations.append((units[station_code], street["name"]))
    for station_code in EXTRA_SAMPLE_STATIONS:
        stations.append((units[station_code], units[station_code].name.removesuffix("工会服务站")))
    seq = 0
    for station, street_name in stations:
        for _ in range(grassroots_per_station):
            seq += 1
            unit(
                f"G{seq:06d}",
                name=f"北京{street_name.removesuffix('街道').removesuffix('地区')[:4]}"
                f"{GRASSROOTS_SAMPLE[seq % len(GRASSROOTS_SAMPLE)]}工会",
                kind=UnitKind.GRASSROOTS,
                region_parent=station,
                industry_parent=companies[seq % len(companies)] if seq % 3 == 0 else None,
            )
    return added


@transaction.atomic
def seed_beijing(grassroots_per_station: int = 2, sample_stations_per_district: int = 3) -> OrgUnit:
    """The Beijing tree and the demo sample; running it again changes nothing. Returns the city center."""
    load_units(beijing_units())
    seed_demo_sample(grassroots_per_station, sample_stations_per_district)
    return OrgUnit.objects.get(code=CITY_CODE)
