"""Statistics of service projects: counts by category, brand, level and state, and projects running per month
(seed 004: 1,029 projects carried in 2014, 93.42 a month). Counted with GROUP BY in the database, in scope."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet

from .models import Brand, Category, Project, RunLevel


def _labelled(qs: QuerySet, field: str, labels: dict) -> list[tuple[str, str, int]]:
    counts = dict(qs.order_by().values_list(field).annotate(n=Count("pk")))
    return [(code, str(label), counts.get(code, 0)) for code, label in labels.items()]


def breakdowns(qs: QuerySet[Project]) -> dict[str, list[tuple[str, str, int]]]:
    """Projects by category, brand, level and process state (every value listed, zeros included)."""
    from .process import PROCESS

    states = {s.code: s.label for s in PROCESS.states}
    return {
        "category": _labelled(qs, "category", dict(Category.choices)),
        "brand": _labelled(qs, "brand", dict(Brand.choices)),
        "run_level": _labelled(qs, "run_level", dict(RunLevel.choices)),
        "state": _labelled(qs, "case__state", states),
    }


def running_by_month(qs: QuerySet[Project], year: int) -> list[tuple[str, int]]:
    """For each month of `year`: how many projects ran in it (started on or before its end, not exited before
    its start) — the seed's 项目搭载 per month."""
    months = []
    for m in range(1, 13):
        first = dt.date(year, m, 1)
        last = dt.date(year, m, calendar.monthrange(year, m)[1])
        months.append((f"m{m:02d}", Count("pk", filter=Q(running_since__lte=last)
                                                & (Q(exited_at__isnull=True) | Q(exited_at__date__gte=first)))))
    totals = qs.order_by().aggregate(**{label: agg for label, agg in months})
    return [(f"{year}-{label[1:]}", totals[label] or 0) for label, _agg in months]


def monthly_average(months: list[tuple[str, int]]) -> Decimal:
    """The average of the monthly counts, to two places (the seed's 93.42)."""
    if not months:
        return Decimal("0.00")
    return (Decimal(sum(n for _m, n in months)) / len(months)).quantize(Decimal("0.01"), ROUND_HALF_UP)
