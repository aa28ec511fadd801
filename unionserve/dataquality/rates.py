"""Computing the three rates for every unit of the city at once.

Three GROUP BY queries (employers by grassroots union / station / industry union; active members by grassroots
union; checked sample items by grassroots union) and one read of the units' paths, then a roll-up in Python:

1. Each *leaf* carries a vector of counts: a grassroots union (its employers, members and items), or an
   employer without a grassroots union, which hangs at its station (regional line) and its industry or
   company union (industry line).
2. The vectors are summed up each line separately, deepest units first, parent ids read from the
   materialized paths (no query per unit).
3. A unit on both lines (the city center, and the grassroots unions themselves) would count a leaf that lies
   under it on both lines twice; that overlap is subtracted once. So every figure is a sum of numerators and a
   sum of denominators, never an average of rates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache

from django.db.models import Count, Q, Sum
from django.utils import timezone

from unionserve.members.models import Employer, Member, MemberStatus
from unionserve.orgs import tree
from unionserve.orgs.models import OrgUnit
from unionserve.workflow.models import Case

from . import rules
from .models import QualityPolicy, SampleCheckItem

# Positions in a count vector.
EMPLOYERS, PASSED, REPORTED, COLLECTED, OVER, CHECKED, CORRECT = range(7)
FIELDS = ("employers", "employers_passed", "members_reported", "members_collected", "members_over",
          "items_checked", "items_correct")
WIDTH = len(FIELDS)

Vector = list[int]


def _add(into: dict[int, Vector], key: int, vector: Vector) -> None:
    acc = into.get(key)
    if acc is None:
        into[key] = list(vector)
    else:
        for i in range(WIDTH):
            acc[i] += vector[i]


def leaf_vectors(day: dt.date, policy: QualityPolicy) -> tuple[dict[int, Vector], dict[tuple[int, int | None], Vector]]:
    """Counts per grassroots union, and per (station, industry union) for employers without a grassroots union."""
    by_grassroots: dict[int, Vector] = {}
    loose: dict[tuple[int, int | None], Vector] = {}
    employer_rows = (Employer.objects.values_list("grassroots_id", "station_id", "industry_union_id")
                     .annotate(n=Count("id"), ok=Count("id", filter=rules.employer_passes_q()),
                               reported=Sum("reported_members", filter=Q(has_union=True)))
                     .order_by())
    for grassroots_id, station_id, industry_id, n, ok, reported in employer_rows:
        vector = [n, ok, reported or 0, 0, 0, 0, 0]
        if grassroots_id is not None:
            _add(by_grassroots, grassroots_id, vector)
        else:
            acc = loose.setdefault((station_id, industry_id), [0] * WIDTH)
            for i in range(WIDTH):
                acc[i] += vector[i]
    active = (Member.objects.filter(status=MemberStatus.ACTIVE).values_list("grassroots_id")
              .annotate(n=Count("id")).order_by())
    for grassroots_id, n in active:
        acc = by_grassroots.setdefault(grassroots_id, [0] * WIDTH)
        acc[COLLECTED] = n  # the active count for now; capped below
    for acc in by_grassroots.values():
        acc[COLLECTED], acc[OVER] = rules.cap_collected(acc[COLLECTED], acc[REPORTED])
    since = dt.datetime.combine(day - dt.timedelta(days=policy.accuracy_window_days), dt.time.min,
                                tzinfo=timezone.get_current_timezone())
    until = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone())
    closed_cases = Case.objects.filter(process="samplecheck", closed_at__gte=since, closed_at__lt=until)
    items = (SampleCheckItem.objects.filter(unit_check__case__in=closed_cases).exclude(result="")
             .values_list("grassroots_id")
             .annotate(n=Count("id"), ok=Count("id", filter=Q(result="correct"))).order_by())
    for grassroots_id, n, ok in items:
        acc = by_grassroots.setdefault(grassroots_id, [0] * WIDTH)
        acc[CHECKED] += n
        acc[CORRECT] += ok
    return by_grassroots, loose


def roll_up(units: Iterable[tuple[int, str | None, str | None]], by_grassroots: dict[int, Vector],
            loose: dict[tuple[int, int | None], Vector]) -> dict[int, Vector]:
    """Totals for every unit with anything under it, from (id, region_path, industry_path) of all units."""
    paths = {pk: (rp, ip) for pk, rp, ip in units}
    region: dict[int, Vector] = {}
    industry: dict[int, Vector] = {}
    overlap: dict[int, Vector] = {}

    @cache
    def ancestors(path: str) -> frozenset[int]:
        return frozenset(tree.ancestor_ids(path))

    @cache
    def common_above(region_parent: str, industry_parent: str) -> frozenset[int]:
        # Leaves share few parent pairs (stations × company unions): computed a few hundred times, not per leaf.
        return ancestors(region_parent) & ancestors(industry_parent)

    def attach(region_path: str | None, industry_path: str | None, vector: Vector) -> None:
        # The last id of a path is the unit's own.
        seg = tree.SEGMENT
        if region_path:
            _add(region, int(region_path[-seg:]), vector)
        if industry_path:
            _add(industry, int(industry_path[-seg:]), vector)
        if region_path and industry_path:
            # Units on both lines above (or at) this one: the same set as intersecting the whole paths.
            region_own, industry_own = int(region_path[-seg:]), int(industry_path[-seg:])
            common = set(common_above(region_path[:-seg], industry_path[:-seg]))
            if region_own == industry_own or region_own in ancestors(industry_path[:-seg]):
                common.add(region_own)
            if industry_own in ancestors(region_path[:-seg]):
                common.add(industry_own)
            for pk in common:
                _add(overlap, pk, vector)

    for pk, vector in by_grassroots.items():
        rp, ip = paths.get(pk, (None, None))
        attach(rp, ip, vector)
    for (station_id, industry_id), vector in loose.items():
        attach(paths.get(station_id, (None, None))[0], paths.get(industry_id, (None, None))[1]
               if industry_id else None, vector)

    for line, index in ((region, 0), (industry, 1)):
        # Deepest first: each unit passes its complete total to its parent on this line.
        with_path = sorted(((paths[pk][index], pk) for pk in paths if paths[pk][index]), key=lambda t: -len(t[0]))
        for path, pk in with_path:
            vector = line.get(pk)
            if vector is None or len(path) <= tree.SEGMENT:
                continue
            _add(line, int(path[-2 * tree.SEGMENT:-tree.SEGMENT]), vector)

    totals: dict[int, Vector] = {}
    for pk in set(region) | set(industry):
        r, i, o = region.get(pk), industry.get(pk), overlap.get(pk)
        if r is not None and i is not None:
            totals[pk] = [r[k] + i[k] - (o[k] if o else 0) for k in range(WIDTH)]
        else:
            totals[pk] = list(r if r is not None else i)  # type: ignore[arg-type]
    return totals


def compute(day: dt.date, policy: QualityPolicy) -> dict[int, Vector]:
    """Count vectors (see FIELDS) of every unit that has employers, members or checks under it."""
    by_grassroots, loose = leaf_vectors(day, policy)
    units = OrgUnit.objects.values_list("id", "region_path", "industry_path").iterator(chunk_size=10_000)
    return roll_up(units, by_grassroots, loose)
