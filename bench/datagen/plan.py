"""The org plan: every unit of the Beijing-scale tree, decided from the seed alone (no database).

The regional line (city, 16 districts, the Development Area, 349 stations) and the first 24 company unions
are what :func:`unionserve.orgs.seed.seed_beijing` creates; the plan repeats their codes (read from the same
divisions file) so that files can be written without a database, and :mod:`bench.datagen.dbload` checks
that the database agrees. The plan adds company unions up to 145, grassroots unions up to the requested
number of units, one employer per grassroots union (plus employers without a union), and how many members
each grassroots union has.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import tables
from .codes import USCC_CHARS, make_uscc

DIVISIONS_FILE = Path(__file__).resolve().parents[2] / "unionserve" / "orgs" / "data" / "beijing_divisions.json"

# What seed_beijing() creates (unionserve/orgs/seed.py); dbload.check_seed() verifies it.
CITY_CODE = "110000"
DEV_AREA_CODE = "110115403"
DEV_AREA_USCC_DIVISION = "110302"  # the Development Area's own division code in registrations
DEPARTMENT_CODES = ("D01", "D02", "D03", "D04", "D05", "D06", "D07")
INDUSTRY_CODES = ("IND01", "IND02", "IND03", "IND04", "IND05", "IND06", "IND07", "IND08")
SEED_COMPANIES_PER_INDUSTRY = 3
SEED_COMPANY_NAMES = {  # to name grassroots branches of the seed's company unions
    "IND01": ("北京大学工会", "北京师范大学工会", "北京市第四中学工会"),
    "IND02": ("北京协和医院工会", "北京朝阳医院工会", "北京天坛医院工会"),
    "IND03": ("中国工商银行北京市分行工会", "北京银行工会", "北京农商银行工会"),
    "IND04": ("北京城建集团工会", "北京建工集团工会", "北京住总集团工会"),
    "IND05": ("北京公交集团工会", "北京地铁运营有限公司工会", "首都机场集团工会"),
    "IND06": ("王府井集团工会", "首农食品集团工会", "物美集团工会"),
    "IND07": ("北京能源集团工会", "北京燃气集团工会", "北京排水集团工会"),
    "IND08": ("北京市园林绿化局工会", "北京市水务局工会", "北京市气象局工会"),
}


def rng_for(seed: int, purpose: str) -> random.Random:
    """An independent, reproducible random stream for one purpose (str seeds hash with SHA-512)."""
    return random.Random(f"{seed}:{purpose}")  # noqa: S311 - synthetic data, not security


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder; deterministic)."""
    wsum = sum(weights)
    if total <= 0 or wsum <= 0:
        return [0] * len(weights)
    exact = [total * w / wsum for w in weights]
    counts = [math.floor(x) for x in exact]
    short = total - sum(counts)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[:short]:
        counts[i] += 1
    return counts


@dataclass(frozen=True, slots=True)
class Station:
    code: str
    name: str
    district_code: str  # 6-digit code of its district (the Development Area's for its station)
    district_short: str  # 朝阳, 海淀 ... for names
    weight: float


@dataclass(frozen=True, slots=True)
class Company:
    code: str
    name: str
    industry_code: str
    weight: float
    new: bool  # added by the generator (the seed made the others)


@dataclass(slots=True)
class Employer:
    """An employer; ``grassroots_code`` is set when it has a union (one grassroots union per employer)."""

    name: str
    uscc: str
    station_code: str
    company_code: str
    grassroots_code: str
    contact: str
    phone: str
    weight: float = 0.0
    members: int = 0

    @property
    def union_name(self) -> str:
        return f"{self.name}工会"


@dataclass
class OrgPlan:
    """The whole tree as codes; build it with :func:`build_plan`."""

    seed: int
    units: int
    stations: list[Station]
    companies: list[Company]
    grassroots: list[Employer]  # employers with a union, in code order
    without_union: list[Employer]
    members: int = 0
    district_codes: list[str] = field(default_factory=list)

    @cached_property
    def station_by_code(self) -> dict[str, Station]:
        return {s.code: s for s in self.stations}

    @cached_property
    def company_by_code(self) -> dict[str, Company]:
        return {c.code: c for c in self.companies}

    def employers(self) -> list[Employer]:
        """All employers for the units file: unionized first (code order), then those without a union."""
        return self.grassroots + self.without_union

    def allocate_members(self, members: int) -> None:
        """Decide how many members each grassroots union has (sums to ``members``)."""
        counts = allocate(members, [g.weight for g in self.grassroots])
        for g, n in zip(self.grassroots, counts, strict=True):
            g.members = n
        self.members = members


def seed_unit_count(n_stations: int, n_districts: int) -> int:
    """Units seed_beijing(grassroots_per_station=0) creates."""
    return (
        1 + len(DEPARTMENT_CODES) + len(INDUSTRY_CODES) + len(INDUSTRY_CODES) * SEED_COMPANIES_PER_INDUSTRY
        + n_districts + 1 + n_stations
    )


def load_stations(seed: int) -> tuple[list[Station], list[str]]:
    """The 349 stations of the divisions file, coded as seed_beijing codes them, with weights."""
    data = json.loads(DIVISIONS_FILE.read_text(encoding="utf-8"))
    rng = rng_for(seed, "stations")
    stations: list[Station] = []
    districts: list[str] = []
    for district in data["districts"]:
        districts.append(district["code"])
        short = district["name"].removesuffix("区")
        streets = district["streets"]
        per_station = tables.DISTRICT_WEIGHTS.get(district["code"], 1.0) / max(1, len(streets) - 1)
        for street in streets:
            spread = rng.lognormvariate(0.0, 0.6)
            if street["code"] == DEV_AREA_CODE:
                stations.append(Station(f"{street['code']}S", f"{street['name']}工会服务站", DEV_AREA_USCC_DIVISION,
                                        "亦庄", tables.DEV_AREA_WEIGHT))
                continue
            special = int(street["code"][-3:]) >= 400
            weight = per_station * spread * (0.5 if special else 1.0)
            stations.append(Station(street["code"], f"{street['name']}工会服务站", district["code"], short, weight))
    return stations, districts


def build_companies(seed: int) -> list[Company]:
    """The seed's 24 company unions plus new ones up to 145, each with a size weight."""
    rng = rng_for(seed, "companies")
    companies: list[Company] = []
    for ind in INDUSTRY_CODES:
        for i, name in enumerate(SEED_COMPANY_NAMES[ind], start=1):
            companies.append(Company(f"{ind}C{i:02d}", name, ind, rng.lognormvariate(0.5, 0.8), False))
        pattern, stems = tables.COMPANY_NAME_PATTERNS[ind]
        extra = tables.COMPANIES_PER_INDUSTRY[ind] - SEED_COMPANIES_PER_INDUSTRY
        for k in range(extra):
            name = pattern.format(stems[k]) if k < len(stems) else pattern.format(f"第{k - len(stems) + 2}{stems[0]}")
            code = f"{ind}C{SEED_COMPANIES_PER_INDUSTRY + k + 1:02d}"
            companies.append(Company(code, name, ind, rng.lognormvariate(0.0, 1.0), True))
    return companies


class _Namer:
    """Unique employer names, USCCs and contacts from one random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: set[str] = set()
        self.codes: set[str] = set()
        self.branch_counter: dict[tuple[str, str, str], int] = {}
        forms, weights = zip(*tables.COMPANY_FORMS, strict=True)
        self.forms = forms
        self.form_cum = _cumulative(weights)

    def firm(self, district_short: str) -> str:
        rng = self.rng
        for attempt in range(20):
            brand = rng.choice(tables.BRAND_CHARS) + rng.choice(tables.BRAND_CHARS)
            place = "北京" if attempt < 10 else f"北京{district_short}"
            form = rng.choices(self.forms, cum_weights=self.form_cum)[0]
            name = f"{place}{brand}{rng.choice(tables.TRADES)}{form}"
            if name not in self.names:
                self.names.add(name)
                return name
        name = f"北京{district_short}{len(self.names)}号{rng.choice(tables.TRADES)}有限公司"
        self.names.add(name)
        return name

    def branch(self, company: Company, district_short: str) -> str:
        base = company.name.removesuffix("工会")
        word = self.rng.choice(tables.BRANCH_WORDS)
        key = (company.code, district_short, word)
        n = self.branch_counter.get(key, 0) + 1
        self.branch_counter[key] = n
        name = f"{base}{district_short}{word}" if n == 1 else f"{base}{district_short}第{n}{word.removeprefix('第')}"
        while name in self.names:  # practically never: add the counter again
            n += 1
            name = f"{base}{district_short}{n}号{word}"
        self.names.add(name)
        return name

    def uscc(self, authority_type: str, division: str) -> str:
        rng = self.rng
        while True:
            if rng.random() < 0.5:  # codes issued since 2015 start with MA
                body = "MA0" + "".join(rng.choice(USCC_CHARS) for _ in range(5))
            else:
                body = f"{rng.randrange(10**8):08d}"
            code = make_uscc(authority_type[0], authority_type[1], division, body)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def contact(self) -> tuple[str, str]:
        rng = self.rng
        surname = rng.choice(tables.SURNAMES[:40])[0]
        given = rng.choice(tables.MALE_GIVEN + tables.FEMALE_GIVEN) + rng.choice(tables.FEMALE_GIVEN)
        if rng.random() < 0.6:
            phone = rng.choice(tables.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        else:
            phone = f"010-{rng.randrange(5, 9)}{rng.randrange(10**7):07d}"
        return surname + given, phone


def _cumulative(weights) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def build_plan(seed: int, units: int = tables.UNITS, members: int = 0) -> OrgPlan:
    """Decide the whole tree for ``units`` org units in all (grassroots unions make up the rest)."""
    stations, districts = load_stations(seed)
    companies = build_companies(seed)
    fixed = seed_unit_count(len(stations), len(districts)) + sum(c.new for c in companies)
    n_grassroots = units - fixed
    if n_grassroots < 0:
        raise ValueError(f"--units must be at least {fixed} (the seeded tree and 145 company unions)")
    rng = rng_for(seed, "grassroots")
    namer = _Namer(rng_for(seed, "names"))

    per_station = allocate(n_grassroots, [s.weight for s in stations])
    placed: list[Station] = [s for s, n in zip(stations, per_station, strict=True) for _ in range(n)]
    rng.shuffle(placed)  # codes are handed out over time, not station by station
    on_industry = set(rng.sample(range(n_grassroots), round(n_grassroots * tables.GRASSROOTS_ON_INDUSTRY_LINE)))
    company_cum = _cumulative([c.weight for c in companies])

    grassroots: list[Employer] = []
    for i, station in enumerate(placed):
        company = rng.choices(companies, cum_weights=company_cum)[0] if i in on_industry else None
        if company is not None:
            name = namer.branch(company, station.district_short)
            public = company.industry_code in tables.PUBLIC_INSTITUTION_INDUSTRIES
            authority = "12" if public else "91"
            weight = rng.lognormvariate(0.0, 1.1) * 3.0
        else:
            name = namer.firm(station.district_short)
            authority = "91"
            weight = rng.lognormvariate(0.0, 1.1)
        division = station.district_code if rng.random() < 0.8 else CITY_CODE
        contact, phone = namer.contact()
        grassroots.append(Employer(
            name=name, uscc=namer.uscc(authority, division), station_code=station.code,
            company_code=company.code if company else "", grassroots_code=f"G{i + 1:06d}", contact=contact,
            phone=phone, weight=weight,
        ))

    without_union: list[Employer] = []
    for _ in range(round(n_grassroots * tables.UNORGANIZED_EMPLOYERS)):
        # Employers without a union are where the others are: pick the station of a random grassroots union.
        station = placed[rng.randrange(len(placed))]
        authority = "92" if rng.random() < 0.3 else "91"  # 92: individual business (个体工商户)
        division = station.district_code if rng.random() < 0.8 else CITY_CODE
        contact, phone = namer.contact()
        without_union.append(Employer(
            name=namer.firm(station.district_short), uscc=namer.uscc(authority, division),
            station_code=station.code, company_code="", grassroots_code="", contact=contact, phone=phone,
        ))

    plan = OrgPlan(seed=seed, units=units, stations=stations, companies=companies, grassroots=grassroots,
                   without_union=without_union, district_codes=districts)
    if members:
        plan.allocate_members(members)
    return plan
