"""The served-visit rate (实名制服务职工人次 ÷ 已采集会员人数, seed 002 §一) per unit, against the year's target.

For every unit: the served visits of the year under it ÷ the collected members under it (the register's active
members of its grassroots unions), both summed up both lines of the tree (``core.rollup``) from two GROUP BY
queries per grassroots union, read through the user's scope. The target is the year's policy version
(``visits.policies``): 2015 20% … 2019 80%, later years keep 2019's; no target before 2015.

Monthly figures as seed 004 reports them (实名制服务职工190万人次，同比增长234%，月均服务职工15.83万人次; 月均搭载
93.42项; 高峰月): visits per month, distinct services and projects per month, the monthly mean, the peak months
and the growth on the year before.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import CharField, Count
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from unionserve import policy
from unionserve.core import rollup
from unionserve.core.numbers import below, percent
from unionserve.core.scope import Scope
from unionserve.core.units import UnitKind
from unionserve.members.public import Member, MemberStatus
from unionserve.orgs.models import OrgUnit

from .models import ServedVisit
from .policies import FIRST_YEAR, LAST_YEAR, TARGET_KEYS

VISITS, MEMBERS = 0, 1
#: The units the seed judges (002 §一: 各区县、企事业工会): the level-2 centers and the industry and company unions.
JUDGED_KINDS = (UnitKind.DISTRICT_CENTER, UnitKind.DEV_AREA_CENTER, UnitKind.INDUSTRY_UNION, UnitKind.COMPANY_UNION)
#: The years the page offers (bounded input).
MIN_YEAR, MAX_YEAR = 2013, 2100


@dataclass(frozen=True)
class Target:
    """The year's target and the policy version it comes from."""

    percent: Decimal
    key: str
    version: int
    source: str


def target_for(year: int) -> Target | None:
    """The served-visit rate target of `year` (the version in force at the year's end, or today); None before
    the first year of the seed's schedule."""
    if year < FIRST_YEAR:
        return None
    key = TARGET_KEYS[min(year, LAST_YEAR)]
    on = min(dt.date(year, 12, 31), max(timezone.localdate(), dt.date(year, 1, 1)))
    used = policy.value(key, on=on)
    return Target(Decimal(used.value).quantize(Decimal("0.1")), key, used.version, used.source)


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)


def shortfall(visits: int, members: int, target: Decimal | None) -> int:
    """How many more visits the unit needs for its rate (as shown) to reach the target; 0 when it does."""
    if target is None or not members or not below(visits, members, target):
        return 0
    need = max(1, math.ceil(target * members / 100) - visits)
    while need > 1 and not below(visits + need - 1, members, target):
        need -= 1  # the shown rate rounds half up: a visit less may already show the target
    return need


@dataclass(frozen=True)
class UnitRate:
    unit: OrgUnit
    visits: int
    members: int
    target: Decimal | None
    rank: int = 0

    @property
    def rate(self) -> Decimal | None:
        return percent(self.visits, self.members)

    @property
    def met(self) -> bool | None:
        if self.target is None or not self.members:
            return None
        return not below(self.visits, self.members, self.target)

    @property
    def shortfall(self) -> int:
        return shortfall(self.visits, self.members, self.target)


def in_scope(qs, scope: Scope):
    """Visits or members of the grassroots unions inside the scope.

    The scope narrows the org units and the rows follow by their grassroots union: a scope holding every
    grassroots union (the city office) reads the rows unfiltered, so the visits' index on (day, grassroots)
    answers the year's counts alone; another scope filters by ``grassroots_id IN (SELECT …)`` — the units' paths
    read once, instead of joining every visit to its unit (2M visits: 14 s joined).
    """
    if scope.is_empty:
        return qs.none()
    outside = OrgUnit.objects.filter(kind=UnitKind.GRASSROOTS).exclude(scope.q(OrgUnit))
    if scope.everything or not outside.exists():
        return qs
    return qs.filter(grassroots_id__in=scope.filter(OrgUnit.objects.all()).values("pk"))


def leaf_counts(year: int, scope: Scope) -> dict[int, list[int]]:
    """[visits, collected members] per grassroots union in the scope (two GROUP BY queries)."""
    start, end = year_bounds(year)
    counts: dict[int, list[int]] = {}
    visits = (in_scope(ServedVisit.objects.filter(day__gte=start, day__lt=end), scope)
              .values_list("grassroots_id").annotate(n=Count("*")).order_by())
    for grassroots_id, n in visits:
        counts.setdefault(grassroots_id, [0, 0])[VISITS] = n
    members = (in_scope(Member.objects.filter(status=MemberStatus.ACTIVE), scope)
               .values_list("grassroots_id").annotate(n=Count("*")).order_by())
    for grassroots_id, n in members:
        counts.setdefault(grassroots_id, [0, 0])[MEMBERS] = n
    return counts


def unit_totals(year: int, scope: Scope) -> dict[int, list[int]]:
    """[visits, members] of every unit with anything under it, rolled up both lines."""
    counts = leaf_counts(year, scope)
    paths = dict((pk, (rp, ip)) for pk, rp, ip in OrgUnit.objects.filter(pk__in=list(counts))
                 .values_list("pk", "region_path", "industry_path").order_by().iterator(chunk_size=10_000))

    def leaves() -> Iterator[rollup.Leaf]:
        for pk, vector in counts.items():
            rp, ip = paths.get(pk, (None, None))
            yield rp, ip, vector

    return rollup.roll_up(leaves())


def rate_of(unit: OrgUnit, totals: dict[int, list[int]], target: Decimal | None) -> UnitRate:
    """One unit's rate from the rolled-up totals (a unit with nothing under it: 0 of 0)."""
    visits, members = totals.get(unit.pk, [0, 0])[:2]
    return UnitRate(unit, visits, members, target)


def rows_for(units: list[OrgUnit], totals: dict[int, list[int]], target: Decimal | None) -> list[UnitRate]:
    """The units' rates, ranked by rate (highest first; units without members last)."""
    rows = [rate_of(u, totals, target) for u in units]
    rows.sort(key=lambda r: (r.rate is None, -(r.rate or 0), -r.visits, r.unit.code))
    return [UnitRate(r.unit, r.visits, r.members, r.target, rank=i) for i, r in enumerate(rows, start=1)]


def unit_scope(unit: OrgUnit) -> Scope:
    """The subtree under a unit on both lines, as a scope (the unit's own figures)."""
    return Scope(region_path=unit.region_path or None, industry_path=unit.industry_path or None)


@dataclass(frozen=True)
class Month:
    month: int
    visits: int
    services: int
    projects: int
    last_year: int

    @property
    def growth(self) -> Decimal | None:
        """Growth on the same month of the year before, in percent."""
        return percent(self.visits - self.last_year, self.last_year)


@dataclass(frozen=True)
class Monthly:
    months: list[Month]
    visits: int
    last_year: int
    projects: int

    @property
    def growth(self) -> Decimal | None:
        return percent(self.visits - self.last_year, self.last_year)

    @property
    def mean_visits(self) -> Decimal:
        active = [m for m in self.months if m.visits] or self.months
        return (Decimal(sum(m.visits for m in active)) / max(1, len(active))).quantize(Decimal("0.01"))

    @property
    def mean_projects(self) -> Decimal:
        active = [m for m in self.months if m.visits] or self.months
        return (Decimal(sum(m.projects for m in active)) / max(1, len(active))).quantize(Decimal("0.01"))

    @property
    def peak_visits(self) -> list[Month]:
        return sorted((m for m in self.months if m.visits), key=lambda m: (-m.visits, m.month))[:2]

    @property
    def peak_projects(self) -> list[Month]:
        return sorted((m for m in self.months if m.projects), key=lambda m: (-m.projects, m.month))[:2]


def monthly(year: int, scope: Scope) -> Monthly:
    """Visits, distinct services and projects per month of `year` under the scope, and the year before.

    Grouped by the day's "YYYY-MM" cut from its text (a native function on both databases; a date-part function
    is a Python call per row on SQLite).
    """
    start, end = dt.date(year - 1, 1, 1), dt.date(year + 1, 1, 1)
    # One GROUP BY (month, service): the distinct services and projects of a month are counted from its groups.
    rows = (in_scope(ServedVisit.objects.filter(day__gte=start, day__lt=end), scope)
            .annotate(ym=Substr(Cast("day", output_field=CharField()), 1, 7)).values_list("ym", "service")
            .annotate(n=Count("*")).order_by())
    this: dict[int, list[int]] = {}
    before: dict[int, int] = {}
    year_projects: set[str] = set()
    for ym, service, n in rows:
        y, m = int(ym[:4]), int(ym[5:7])
        if y == year:
            acc = this.setdefault(m, [0, 0, 0])
            acc[0] += n
            acc[1] += 1
            if service.startswith("project:"):
                acc[2] += 1
                year_projects.add(service)
        else:
            before[m] = before.get(m, 0) + n
    months = []
    for m in range(1, 13):
        visits, services, projects = this.get(m, [0, 0, 0])
        months.append(Month(m, visits, services, projects, last_year=before.get(m, 0)))
    return Monthly(months, sum(m.visits for m in months), sum(before.values()), len(year_projects))
