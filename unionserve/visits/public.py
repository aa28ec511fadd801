"""Served visits' public module: how any area records that it served a member.

`visits_count(service=, start=, end=)` reads back how many visits and distinct members a service had in a period.
`record_visit(member_id=, day=, service=, kind=, source=)` writes one visit, once per member, service and day
(a second call the same day is a no-op and returns False). Services: "hotline" (a 12351 request closed),
"mediation" and "legalaid" (a case concluded), "mutualaid" and "assistance" (a payment to the card),
"project:<code>" (a service project, by its code), "fair:<id>" (a recruitment fair), "venue:<id>" (a brand venue).
"""

from __future__ import annotations

import datetime as dt

from unionserve.members.public import Member

from .models import ServedVisit, VisitKind

__all__ = ["ServedVisit", "VisitKind", "record_visit", "visits_count"]


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
