"""Deadlines of steps: computed on the working-day calendar, with paused time left out."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from unionserve.workcalendar import service as calendar
from unionserve.workcalendar.service import Rule

from .definitions import Deadline


def compute(deadline: Deadline, start: dt.datetime, n: int | None = None) -> calendar.DeadlineResult:
    """The deadline for a period starting at `start` (the start day itself is not counted).

    The length is `n` if given, else the deadline's own: its policy's value in force on the start day.
    """
    return compute_with_policy(deadline, start, n)[0]


def compute_with_policy(deadline: Deadline, start: dt.datetime,
                        n: int | None = None) -> tuple[calendar.DeadlineResult, dict]:
    """The deadline and what the step records of the policy it used: ``{"policy": {key, version, ...}}``.

    The version is the one in force on the day the clock starts (`start`), so a change approved later does
    not move a running deadline, and the next case counted from after the change gets the new length. With
    `n` given (a clock resuming after a pause), the remaining days are `n`; the version is still recorded.
    """
    length, used = deadline.length(start)
    result = calendar.compute_deadline(deadline.rule, start, length if n is None else n)
    return result, ({"policy": used.as_record()} if used is not None else {})


def length(deadline: Deadline, on: dt.date | dt.datetime | None = None) -> int:
    """The deadline's length in force on `on` (its policy's value, or its literal n)."""
    return deadline.length(on)[0]


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
