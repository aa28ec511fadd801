"""Load the Beijing organization: the regional line from the divisions file, plus an industry line.

The regional line is real (2023 statistical division codes). The industry line names the city's
industry unions; the company and grassroots unions are a realistic demo sample (the benchmark
generator in bench/ builds the full ~50,000 units). Decisions: docs/decisions/0002-org-tree.md.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from .actions import create_unit
from .models import OrgUnit, UnitKind

DIVISIONS_FILE = Path(__file__).parent / "data" / "beijing_divisions.json"
CITY_CODE = "110000"
DEV_AREA_CODE = "110115403"  # 北京经济技术开发区: a level-2 center of its own (seed 000 lists it with the districts)
SPECIAL_ZONE_MIN = 400  # township-level codes ≥ 400 are special zones, not streets or towns

DEPARTMENTS = [
    ("D01", "基层工作部"),
    ("D02", "法律工作部"),
    ("D03", "保障工作部"),
    ("D04", "经济技术保护部"),
    ("D05", "宣传教育部"),
    ("D06", "女职工部"),
    ("D07", "职工互助保险服务中心"),
]

INDUSTRY_UNIONS = [
    ("IND01", "北京市教育工会", ["北京大学工会", "北京师范大学工会", "北京市第四中学工会"]),
    ("IND02", "北京市卫生健康工会", ["北京协和医院工会", "北京朝阳医院工会", "北京天坛医院工会"]),
    ("IND03", "北京市金融工会", ["中国工商银行北京市分行工会", "北京银行工会", "北京农商银行工会"]),
    ("IND04", "北京市建设工会", ["北京城建集团工会", "北京建工集团工会", "北京住总集团工会"]),
    ("IND05", "北京市交通运输工会", ["北京公交集团工会", "北京地铁运营有限公司工会", "首都机场集团工会"]),
    ("IND06", "北京市商贸工会", ["王府井集团工会", "首农食品集团工会", "物美集团工会"]),
    ("IND07", "北京市能源化工工会", ["北京能源集团工会", "北京燃气集团工会", "北京排水集团工会"]),
    ("IND08", "北京市农林水利气象工会", ["北京市园林绿化局工会", "北京市水务局工会", "北京市气象局工会"]),
]

#: Stations outside the first few of their district that also get demo grassroots unions: 中关村街道, where the
#: demo account `station2` works (accounts/demo.py), so its members, requests and cases are there to see.
#: They are made after the rest, so the codes of the other sample unions stay as they were.
EXTRA_SAMPLE_STATIONS = ("110108011",)

GRASSROOTS_SAMPLE = ["科技有限公司", "商贸有限公司", "物业管理有限公司", "餐饮管理有限公司", "建筑工程有限公司"]


def load_divisions() -> dict:
    """The shared divisions file (source, license and vintage are inside it)."""
    with DIVISIONS_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


@transaction.atomic
def seed_beijing(grassroots_per_station: int = 2, sample_stations_per_district: int = 3) -> OrgUnit:
    """Create the Beijing tree once; running it again changes nothing. Returns the city center."""
    existing = OrgUnit.objects.filter(code=CITY_CODE).first()
    if existing:
        return existing
    data = load_divisions()
    city = create_unit(name="北京市职工服务中心", kind=UnitKind.CITY_CENTER, code=CITY_CODE, division_code=CITY_CODE)
    for code, name in DEPARTMENTS:
        create_unit(name=name, kind=UnitKind.DEPARTMENT, region_parent=city, code=code)

    industries = {}
    companies = []
    for code, name, company_names in INDUSTRY_UNIONS:
        industry = create_unit(name=name, kind=UnitKind.INDUSTRY_UNION, industry_parent=city, code=code)
        industries[code] = industry
        for i, company_name in enumerate(company_names, start=1):
            companies.append(
                create_unit(
                    name=company_name, kind=UnitKind.COMPANY_UNION, industry_parent=industry, code=f"{code}C{i:02d}"
                )
            )

    dev_area = None
    seq = 0
    for district in data["districts"]:
        center = create_unit(
            name=f"{district['name']}职工服务中心",
            kind=UnitKind.DISTRICT_CENTER,
            region_parent=city,
            code=district["code"],
            division_code=district["code"],
        )
        for n, street in enumerate(district["streets"]):
            if street["code"] == DEV_AREA_CODE:
                dev_area = create_unit(
                    name=f"{street['name']}职工服务中心",
                    kind=UnitKind.DEV_AREA_CENTER,
                    region_parent=city,
                    code=street["code"],
                    division_code=street["code"],
                )
                station = create_unit(
                    name=f"{street['name']}工会服务站",
                    kind=UnitKind.STATION,
                    region_parent=dev_area,
                    code=f"{street['code']}S",
                    division_code=street["code"],
                    note="开发区总工会服务站（会站合一）",
                )
            else:
                special = int(street["code"][-3:]) >= SPECIAL_ZONE_MIN
                station = create_unit(
                    name=f"{street['name']}工会服务站",
                    kind=UnitKind.STATION,
                    region_parent=center,
                    code=street["code"],
                    division_code=street["code"],
                    note="园区工会服务站" if special else "",
                )
            if n < sample_stations_per_district:
                for _ in range(grassroots_per_station):
                    seq += 1
                    _sample_grassroots(station, street["name"], seq, companies)
    for code in EXTRA_SAMPLE_STATIONS:
        station = OrgUnit.objects.get(code=code)
        for _ in range(grassroots_per_station):
            seq += 1
            _sample_grassroots(station, station.name.removesuffix("工会服务站"), seq, companies)
    assert dev_area is not None, "the divisions file lost the Development Area"
    return city


def _sample_grassroots(station: OrgUnit, street_name: str, seq: int, companies: list[OrgUnit]) -> OrgUnit:
    """The seq-th demo grassroots union, under `station` (every third also under a company union)."""
    company = companies[seq % len(companies)] if seq % 3 == 0 else None
    return create_unit(
        name=f"北京{street_name.removesuffix('街道').removesuffix('地区')[:4]}"
        f"{GRASSROOTS_SAMPLE[seq % len(GRASSROOTS_SAMPLE)]}工会",
        kind=UnitKind.GRASSROOTS,
        region_parent=station,
        industry_parent=company,
        code=f"G{seq:06d}",
    )
