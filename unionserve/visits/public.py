"""Served visits' public module: how any area records that it served a member.

`record_visit(member_id=, day=, service=, kind=, source=)` writes one visit, once per member, service and day
(a second call the same day is a no-op and returns False). Services: "hotline" (a 12351 request closed),
"mediation" and "legalaid" (a case concluded), "mutualaid" and "assistance" (a payment to the card),
"project:<id>" (a service project), "fair:<id>" (a recruitment fair), "venue:<id>" (a brand venue).
"""

from __future__ import annotations

import datetime as dt

from unionserve.members.public import Member

from .models import ServedVisit, VisitKind

__all__ = ["ServedVisit", "VisitKind", "record_visit"]


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
