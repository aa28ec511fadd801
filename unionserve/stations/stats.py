"""Figures over many stations, in SQL: report completeness and timeliness (DHIS2's two data-set rates) and the
status of each station for the city list.

Completeness = reports submitted ÷ reports expected; timeliness = reports first submitted on or before their due
day ÷ reports expected. A report is expected of every active station (kind STATION) in the scope for every month
whose due day has come (a month still open, or reported but not yet due, is not counted against anybody). A report
returned by the district still counts as submitted (on its first submission's date), as in DHIS2 where a data
set stays complete until it is un-completed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from unionserve import policy
from unionserve.core.numbers import percent
from unionserve.core.scope import scope_of
from unionserve.core.units import UnitKind
from unionserve.members import public as members
from unionserve.orgs.models import OrgUnit, UnitStatus

from . import rules
from .models import Attendance, MonthlyReport, StationProfile, StationWorker


def stations_in_scope(user):
    """Active stations the user may see, with their district."""
    return scope_of(user).filter(OrgUnit.objects.filter(kind=UnitKind.STATION, status=UnitStatus.ACTIVE)
                                 ).select_related("region_parent")


@dataclass
class Rates:
    expected: int = 0
    submitted: int = 0
    on_time: int = 0

    @property
    def completeness(self) -> Decimal | None:
        return percent(self.submitted, self.expected)

    @property
    def timeliness(self) -> Decimal | None:
        return percent(self.on_time, self.expected)

    def add(self, other: Rates) -> None:
        self.expected += other.expected
        self.submitted += other.submitted
        self.on_time += other.on_time


@dataclass
class RateTable:
    year: int
    months: list[dt.date]
    #: district id → (district, {month: Rates}, year total)
    rows: list[tuple[OrgUnit, dict[dt.date, Rates], Rates]] = field(default_factory=list)
    city: dict[dt.date, Rates] = field(default_factory=dict)
    city_total: Rates = field(default_factory=Rates)


def due_months(year: int, today: dt.date | None = None) -> list[dt.date]:
    """The months of `year` whose report has fallen due by `today`."""
    today = today or timezone.localdate()
    out = []
    for m in range(1, 13):
        period = dt.date(year, m, 1)
        if period > today:
            break
        if rules.due_day(period)[0] <= today:
            out.append(period)
    return out


def rate_table(user, year: int, *, today: dt.date | None = None, group_by_station: bool = False,
               district: OrgUnit | None = None) -> RateTable:
    """Completeness and timeliness by district (or by station, within one district) and month, and for the scope.

    Two queries: the stations in scope (the expected reports), and one GROUP BY over the reports of the year.
    """
    months = due_months(year, today)
    table = RateTable(year=year, months=months)
    stations = stations_in_scope(user)
    if district is not None:
        stations = stations.filter(region_parent=district)
    stations = list(stations.order_by("code"))
    if not months or not stations:
        return table

    def key_of(st: OrgUnit) -> int:
        return st.pk if group_by_station else (st.region_parent_id or 0)

    groups: dict[int, OrgUnit] = {}
    per_group: dict[int, int] = defaultdict(int)
    group_of_station: dict[int, int] = {}
    for st in stations:
        k = key_of(st)
        groups.setdefault(k, st if group_by_station else st.region_parent)
        per_group[k] += 1
        group_of_station[st.pk] = k
    field_name = "station_id" if group_by_station else "station__region_parent_id"
    reports = (scope_of(user).filter(MonthlyReport.objects.all())
               .filter(period__gte=months[0], period__lte=months[-1], station__in=[s.pk for s in stations])
               .order_by().values(field_name, "period")
               .annotate(submitted=Count("pk", filter=Q(first_submitted_on__isnull=False)),
                         on_time=Count("pk", filter=Q(first_submitted_on__lte=F("due_on")))))
    counts: dict[tuple[int, dt.date], tuple[int, int]] = {
        (r[field_name] or 0, r["period"]): (r["submitted"], r["on_time"]) for r in reports}
    for k, unit in sorted(groups.items(), key=lambda kv: kv[1].code if kv[1] else ""):
        by_month: dict[dt.date, Rates] = {}
        total = Rates()
        for m in months:
            sub, on = counts.get((k, m), (0, 0))
            rates = Rates(per_group[k], sub, on)
            by_month[m] = rates
            total.add(rates)
            table.city.setdefault(m, Rates()).add(rates)
        table.rows.append((unit, by_month, total))
        table.city_total.add(total)
    return table


# --- status of each station (the city list) ------------------------------------------------------


@dataclass
class StationStatus:
    station: OrgUnit
    profile: StationProfile | None
    members: int
    staffing: rules.Staffing
    training_short: int
    timeliness: Decimal | None

    @property
    def standardized(self) -> bool:
        return bool(self.profile and self.profile.standardized_on)

    @property
    def stars(self) -> int:
        return self.profile.stars if self.profile else 0


def training_hours(worker_ids: list[int], year: int) -> dict[int, dict[tuple[str, str], Decimal]]:
    """{worker: {(organizer, kind): hours}} of courses held in `year`, one GROUP BY."""
    out: dict[int, dict[tuple[str, str], Decimal]] = defaultdict(dict)
    rows = (Attendance.objects.filter(worker_id__in=worker_ids, course__held_on__year=year).order_by()
            .values("worker_id", "course__organizer", "course__kind").annotate(h=Sum("hours")))
    for r in rows:
        out[r["worker_id"]][(r["course__organizer"], r["course__kind"])] = r["h"]
    return out


def current_workers(station_ids: list[int], on: dt.date | None = None):
    on = on or timezone.localdate()
    return StationWorker.objects.filter(station_id__in=station_ids, hired_on__lte=on).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=on))


def member_counts(stations: list[OrgUnit]) -> dict[int, int]:
    """Active members per station: one GROUP BY per grassroots unit, mapped to stations by their paths (for one
    station, one COUNT over its own units)."""
    if len(stations) == 1:
        return {stations[0].pk: members.count_active_members_under(stations[0])}
    per_unit = members.active_members_per_unit()
    if not per_unit:
        return {s.pk: 0 for s in stations}
    by_path = {s.region_path: s.pk for s in stations if s.region_path}
    lengths = sorted({len(p) for p in by_path})
    out = {s.pk: 0 for s in stations}
    units = OrgUnit.objects.filter(pk__in=list(per_unit)).values_list("pk", "region_path")
    for pk, path in units:
        if not path:
            continue
        for n in lengths:
            st = by_path.get(path[:n])
            if st is not None:
                out[st] += per_unit[pk]
                break
    return out


def station_statuses(user, stations: list[OrgUnit], *, year: int | None = None) -> list[StationStatus]:
    """The list's columns for these stations, in a fixed number of queries (each policy number read once)."""
    with policy.memoized():
        return _station_statuses(user, stations, year=year)


def _station_statuses(user, stations: list[OrgUnit], *, year: int | None) -> list[StationStatus]:
    today = timezone.localdate()
    year = year or today.year
    ids = [s.pk for s in stations]
    profiles = {p.station_id: p for p in StationProfile.objects.filter(station_id__in=ids)}
    counts = member_counts(stations)
    workers = list(current_workers(ids, today).values("pk", "station_id", "post", "hired_on"))
    posts: dict[int, list[str]] = defaultdict(list)
    for w in workers:
        posts[w["station_id"]].append(w["post"])
    hours = training_hours([w["pk"] for w in workers], year)
    short: dict[int, int] = defaultdict(int)
    for w in workers:
        if not rules.training_check(w["post"], w["hired_on"], year, hours.get(w["pk"], {})).ok:
            short[w["station_id"]] += 1
    months = due_months(year, today) if user is not None else []
    timely: dict[int, int] = {}
    if months:
        timely = dict(MonthlyReport.objects.filter(station_id__in=ids, period__gte=months[0], period__lte=months[-1],
                                                   first_submitted_on__lte=F("due_on"))
                      .order_by().values("station_id").annotate(n=Count("pk")).values_list("station_id", "n"))
    return [StationStatus(station=s, profile=profiles.get(s.pk), members=counts.get(s.pk, 0),
                          staffing=rules.staffing(counts.get(s.pk, 0), posts.get(s.pk, []), on=today),
                          training_short=short.get(s.pk, 0),
                          timeliness=percent(timely.get(s.pk, 0), len(months)) if months else None)
            for s in stations]
