"""The phased plan of 001 §一 and §四(一) as progress per district: how many stations were standardized (accepted)
by each milestone, the 2013 share against the 30% every district owed, and the stations retaining at least
500,000 yuan that had to be standardized. Every station counts once, on its ``standardized_on`` date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from unionserve import policy
from unionserve.core.numbers import percent

from . import policies, stats

MILESTONES = (dt.date(2013, 6, 30), dt.date(2013, 12, 31), dt.date(2014, 12, 31), dt.date(2015, 12, 31))


@dataclass
class Row:
    unit: Any
    stations: int = 0
    by: list[int] = field(default_factory=lambda: [0] * len(MILESTONES))
    must: int = 0
    must_done: int = 0
    now: int = 0

    @property
    def share_2013(self) -> Decimal | None:
        return percent(self.by[1], self.stations)


def progress(user) -> tuple[list[Row], Row, dict]:
    """Rows per district, the total, and the city's targets (policy) with the district share required."""
    must_from = policy.value(policies.MUST_STANDARDIZE_FROM, on=MILESTONES[1]).value
    qs = stats.stations_in_scope(user).order_by().values("region_parent_id").annotate(
        n=Count("pk"),
        now=Count("pk", filter=Q(station_profile__standardized_on__isnull=False)),
        must=Count("pk", filter=Q(station_profile__retained_funds__gte=must_from)),
        must_done=Count("pk", filter=Q(station_profile__retained_funds__gte=must_from,
                                       station_profile__standardized_on__lte=MILESTONES[1])),
        **{f"m{i}": Count("pk", filter=Q(station_profile__standardized_on__lte=day))
           for i, day in enumerate(MILESTONES)})
    from unionserve.orgs.models import OrgUnit

    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=[r["region_parent_id"] for r in qs])}
    rows, total = [], Row(unit=None)
    for r in sorted(qs, key=lambda r: units[r["region_parent_id"]].code if r["region_parent_id"] in units else ""):
        row = Row(unit=units.get(r["region_parent_id"]), stations=r["n"], by=[r[f"m{i}"] for i in
                  range(len(MILESTONES))], must=r["must"], must_done=r["must_done"], now=r["now"])
        rows.append(row)
        total.stations += row.stations
        total.now += row.now
        total.must += row.must
        total.must_done += row.must_done
        total.by = [a + b for a, b in zip(total.by, row.by, strict=True)]
    targets = {"city": [policy.value(k, on=MILESTONES[0]).value for k in
                        (policies.PLAN_FIRST, policies.PLAN_2013, policies.PLAN_2014)] + [total.stations],
               "district_share": policy.value(policies.PLAN_DISTRICT_SHARE_2013, on=MILESTONES[1]).value}
    return rows, total, targets
