"""Computing the three rates for every unit of the city at once.

Three GROUP BY queries (employers by grassroots union / station / industry union; active members by grassroots
union; checked sample items by grassroots union) and one read of the units' paths, then a roll-up in Python:

1. Each *leaf* carries a vector of counts: a grassroots union (its employers, members and items), or an
   employer without a grassroots union, which hangs at its station (regional line) and its industry or
   company union (industry line).
2. A leaf counts once in every unit on its region path or its industry path (the materialized paths, no
   query per unit). Leaves with the same parents on both lines have the same units above them: their vectors
   are summed per pair of parents, and each pair's sum is added once to every unit on the two parent paths.
3. A unit on both lines (the city center, and the grassroots unions themselves) is in the union of the two
   paths once, so nothing is counted twice. Every figure is a sum of numerators and a sum of denominators,
   never an average of rates.

The members query reads only the narrow index ``member_unit_status`` (grassroots union, status): 4 million
index entries, no table rows. The unit-information conditions run inside the database on both backends
(``rules.FixedPattern``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.db import connections
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from unionserve.core import rollup
from unionserve.members.public import Employer, Member, MemberStatus
from unionserve.orgs.models import OrgUnit
from unionserve.workflow.models import Case

from . import rules
from .models import SampleCheckItem, Thresholds

# Positions in a count vector.
EMPLOYERS, PASSED, REPORTED, COLLECTED, OVER, CHECKED, CORRECT = range(7)
FIELDS = (
    "employers",
    "employers_passed",
    "members_reported",
    "members_collected",
    "members_over",
    "items_checked",
    "items_correct",
)
WIDTH = len(FIELDS)

Vector = list[int]


def _add(into: dict[int, Vector], key: int, vector: Vector) -> None:
    acc = into.get(key)
    if acc is None:
        into[key] = list(vector)
    else:
        for i in range(WIDTH):
            acc[i] += vector[i]


def _rows(queryset: QuerySet) -> list[tuple]:
    """The rows of an aggregate ``values_list`` query as the database returns them, without Django's converters.

    Every value read this way is an id or a COUNT or SUM (a SUM over no row is NULL; the caller reads it as
    0): the per-value converters change nothing here, but cost a tenth of a second on the city's 100,000 rows.
    """
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def leaf_vectors(day: dt.date, policy: Thresholds) -> tuple[dict[int, Vector], dict[tuple[int, int | None], Vector]]:
    """Counts per grassroots union, and per (station, industry union) for employers without a grassroots union."""
    by_grassroots: dict[int, Vector] = {}
    loose: dict[tuple[int, int | None], Vector] = {}
    employer_rows = (
        Employer.objects.values_list("grassroots_id", "station_id", "industry_union_id")
        .annotate(
            n=Count("id"),
            ok=Count("id", filter=rules.employer_passes_q()),
            reported=Sum("reported_members", filter=Q(has_union=True)),
        )
        .order_by()
    )
    for grassroots_id, station_id, industry_id, n, ok, reported in _rows(employer_rows):
        vector = [n, ok, reported or 0, 0, 0, 0, 0]
        if grassroots_id is not None:
            _add(by_grassroots, grassroots_id, vector)
        else:
            acc = loose.setdefault((station_id, industry_id), [0] * WIDTH)
            for i in range(WIDTH):
                acc[i] += vector[i]
    active = (
        Member.objects.filter(status=MemberStatus.ACTIVE).values_list("grassroots_id").annotate(n=Count("*")).order_by()
    )
    for grassroots_id, n in _rows(active):
        acc = by_grassroots.setdefault(grassroots_id, [0] * WIDTH)
        acc[COLLECTED] = n  # the active count for now; capped below
    for acc in by_grassroots.values():
        acc[COLLECTED], acc[OVER] = rules.cap_collected(acc[COLLECTED], acc[REPORTED])
    since = dt.datetime.combine(
        day - dt.timedelta(days=policy.accuracy_window_days), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    until = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone())
    closed_cases = Case.objects.filter(process="samplecheck", closed_at__gte=since, closed_at__lt=until)
    items = (
        SampleCheckItem.objects.filter(unit_check__case__in=closed_cases)
        .exclude(result="")
        .values_list("grassroots_id")
        .annotate(n=Count("id"), ok=Count("id", filter=Q(result="correct")))
        .order_by()
    )
    for grassroots_id, n, ok in items:
        acc = by_grassroots.setdefault(grassroots_id, [0] * WIDTH)
        acc[CHECKED] += n
        acc[CORRECT] += ok
    return by_grassroots, loose


def roll_up(
    units: Iterable[tuple[int, str | None, str | None]],
    by_grassroots: dict[int, Vector],
    loose: dict[tuple[int, int | None], Vector],
) -> dict[int, Vector]:
    """Totals for every unit with anything under it, from (id, region_path, industry_path) of all units.

    The leaves are the grassroots unions (their own two paths) and the employers without one (the path of their
    station and that of their industry or company union); ``core.rollup`` sums them up both lines.
    """
    paths = {pk: (rp, ip) for pk, rp, ip in units}

    def leaves() -> Iterator[rollup.Leaf]:
        for pk, vector in by_grassroots.items():
            rp, ip = paths.get(pk, (None, None))
            yield rp, ip, vector
        for (station_id, industry_id), vector in loose.items():
            rp = paths.get(station_id, (None, None))[0]
            ip = paths.get(industry_id, (None, None))[1] if industry_id else None
            yield rp, ip, vector

    return rollup.roll_up(leaves())


def compute(day: dt.date, policy: Thresholds) -> dict[int, Vector]:
    """Count vectors (see FIELDS) of every unit that has employers, members or checks under it."""
    by_grassroots, loose = leaf_vectors(day, policy)
    # No ORDER BY (the model orders by code): a plain scan of the table.
    units = OrgUnit.objects.values_list("id", "region_path", "industry_path").order_by().iterator(chunk_size=10_000)
    return roll_up(units, by_grassroots, loose)
