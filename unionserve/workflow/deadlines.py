"""Deadlines of steps: computed on the working-day calendar, with paused time left out."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from unionserve.workcalendar import service as calendar
from unionserve.workcalendar.service import Rule

from .definitions import Deadline


def compute(deadline: Deadline, start: dt.datetime, n: int | None = None) -> calendar.DeadlineResult:
    """The deadline for a period starting at `start` (the start day itself is not counted)."""
    return calendar.compute_deadline(deadline.rule, start, deadline.n if n is None else n)


def extend(due_at: dt.datetime, rule: str, days: int) -> calendar.DeadlineResult:
    """An approved extension: `days` more, counted from the current due date with the state's own rule."""
    rule = Rule(rule) if rule else Rule.WORKING_DAYS
    if rule == Rule.SAME_DAY:
        rule = Rule.WORKING_DAYS
    return calendar.compute_deadline(rule, due_at, days)


def used_days(rule: str, since: dt.datetime, until: dt.datetime | None = None) -> int:
    """Days of a period already used between `since` and `until`, in the period's own unit."""
    until = until or timezone.now()
    start, end = calendar.to_local_date(since), calendar.to_local_date(until)
    if end <= start:
        return 0
    if Rule(rule) == Rule.CALENDAR_DAYS:
        return (end - start).days
    day, used = start, 0
    while day < end:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            used += 1
    return used


def due_soon_threshold(now: dt.datetime | None = None, working_days: int = 1) -> dt.datetime:
    """Steps due at or before this instant are "due soon": by the end of the next N working days."""
    now = now or timezone.now()
    return calendar.add_working_days(now, working_days).deadline
