"""Served visits' public module: how any area records that it served a member.

`visits_count(service=, start=, end=)` reads back how many visits and distinct members a service had in a period.
`record_visit(member_id=, day=, service=, kind=, source=)` writes one visit, once per member, service and day
(a second call the same day is a no-op and returns False). Services: "hotline" (a 12351 request closed),
"mediation" and "legalaid" (a case concluded), "mutualaid" and "assistance" (a payment to the card),
"project:<code>" (a service project: a card swipe or a sign-in at its activity), "activity:<id>" (an activity
outside any project), "fair:<id>" (a recruitment fair), "venue:<id>" (a brand venue).

`record_visits(rows)` records many at once — (member_id, day, service, kind, source) tuples — in one query per
chunk, and returns how many were new. `visits_in_year(member_id, year)` counts a member's visits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from unionserve.members.public import Member

from .importing import CHUNK, insert_visits
from .models import ServedVisit, VisitKind

__all__ = ["ServedVisit", "VisitKind", "record_visit", "record_visits", "visits_count", "visits_in_year"]


def record_visit(*, member_id: int, day: dt.date, service: str, kind: str = VisitKind.PLATFORM,
                 source: str = "") -> bool:
    """Record that the member was served on `day` by `service`; False when already counted that day."""
    grassroots_id = Member.objects.filter(pk=member_id).values_list("grassroots_id", flat=True).first()
    if grassroots_id is None:
        return False
    _visit, created = ServedVisit.objects.get_or_create(
        member_id=member_id, service=service[:60], day=day,
        defaults={"kind": kind, "grassroots_id": grassroots_id, "source": source[:80]})
    return created


def visits_count(*, service: str, start: dt.date | None = None, end: dt.date | None = None) -> tuple[int, int]:
    """(served visits, distinct members) of `service` from `start` to `end` inclusive (either open)."""
    from django.db.models import Count

    qs = ServedVisit.objects.filter(service=service[:60])
    if start is not None:
        qs = qs.filter(day__gte=start)
    if end is not None:
        qs = qs.filter(day__lte=end)
    totals = qs.aggregate(visits=Count("pk"), members=Count("member_id", distinct=True))
    return totals["visits"] or 0, totals["members"] or 0


def record_visits(rows: Iterable[tuple[int, dt.date, str, str, str]]) -> int:
    """Record many visits — (member_id, day, service, kind, source) — once each; returns how many were new.

    Unknown members are skipped. One member query and one INSERT per chunk of rows.
    """
    added = 0
    chunk: list[tuple[int, dt.date, str, str, str]] = []

    def flush() -> int:
        units = dict(Member.objects.filter(pk__in={r[0] for r in chunk}).values_list("pk", "grassroots_id")
                     .order_by())
        batch = [(m, day, service[:60], kind, units[m], source[:80])
                 for m, day, service, kind, source in chunk if m in units]
        chunk.clear()
        return insert_visits(batch)

    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            added += flush()
    if chunk:
        added += flush()
    return added


def visits_in_year(member_id: int, year: int) -> int:
    """How many served visits the member had in `year`."""
    return ServedVisit.objects.filter(member_id=member_id, day__year=year).count()
