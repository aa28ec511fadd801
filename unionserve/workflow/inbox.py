"""One inbox for every process: what a unit must do, has done, watches, and was sent copies of."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from unionserve.core.queries import prefix_q

from . import deadlines
from .models import AccessKind, Case, CaseAccess, Step

TABS = ("todo", "overdue", "due_soon", "watching", "filed", "done")


@dataclass
class InboxFilter:
    process: str = ""
    state: str = ""
    unit: str = ""  # handling unit code (for "watching")
    number: str = ""
    opened_from: dt.date | None = None
    opened_to: dt.date | None = None


def _threshold(now):
    return deadlines.due_soon_threshold(now, settings.UNIONSERVE.get("DUE_SOON_WORKING_DAYS", 1))


def steps_for(unit_id: int, tab: str, now=None, *, assignee_id: int | None = None) -> QuerySet:
    """The steps (or, for "filed", the cases) listed on one tab of a unit's inbox.

    With `assignee_id` (a personal scope: mediator or lawyer only) the tabs list that person's steps only.
    """
    now = now or timezone.now()
    mine = Step.objects.filter(unit_id=unit_id, is_open=True)
    if assignee_id is not None:
        mine = mine.filter(assignee_id=assignee_id)
    if tab == "todo":
        return mine
    if tab == "overdue":
        return mine.filter(due_at__lt=now)
    if tab == "due_soon":
        return mine.filter(due_at__gte=now, due_at__lte=_threshold(now))
    if tab == "watching":
        if assignee_id is not None:
            return Step.objects.none()
        return Step.objects.filter(dispatcher_unit_id=unit_id, is_open=True).exclude(unit_id=unit_id)
    if tab == "done":
        done = Step.objects.filter(unit_id=unit_id, is_open=False, completed_at__isnull=False)
        return done if assignee_id is None else done.filter(assignee_id=assignee_id)
    raise ValueError(tab)


def filed_cases(unit_id: int) -> QuerySet:
    """Cases filed to the unit (备案), open ones first, most recent filing first."""
    return Case.objects.filter(access__unit_id=unit_id, access__kind=AccessKind.FILED).order_by(
        "-access__case_open", "-access__at")


def filed_count(unit_id: int) -> int:
    """How many cases were ever filed to the unit (one index range on the access rows, no join)."""
    return CaseAccess.objects.filter(unit_id=unit_id, kind=AccessKind.FILED).count()


def apply_filter(qs: QuerySet, f: InboxFilter, *, cases: bool = False) -> QuerySet:
    prefix = "" if cases else "case__"
    if f.process:
        qs = qs.filter(process=f.process)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.unit and not cases:
        qs = qs.filter(unit__code=f.unit)
    if f.number:
        qs = qs.filter(prefix_q(f"{prefix}number", f.number.strip().upper()))
    if f.opened_from:
        qs = qs.filter(**{f"{prefix}opened_at__gte": dt.datetime.combine(f.opened_from, dt.time.min,
                                                                         timezone.get_current_timezone())})
    if f.opened_to:
        qs = qs.filter(**{f"{prefix}opened_at__lt": dt.datetime.combine(f.opened_to + dt.timedelta(days=1),
                                                                        dt.time.min, timezone.get_current_timezone())})
    return qs


def counts(unit_id: int | None, now=None, *, assignee_id: int | None = None) -> dict[str, int]:
    """Counts for the navigation and the tabs: three indexed queries (a personal scope: its own steps)."""
    if not unit_id:
        return dict.fromkeys(("todo", "overdue", "due_soon", "watching", "filed"), 0)
    now = now or timezone.now()
    if assignee_id is not None:
        mine = Step.objects.filter(unit_id=unit_id, is_open=True, assignee_id=assignee_id).aggregate(
            todo=Count("unit"),
            overdue=Count("unit", filter=Q(due_at__lt=now)),
            due_soon=Count("unit", filter=Q(due_at__gte=now, due_at__lte=_threshold(now))),
        )
        filed = Case.objects.filter(
            Q(assignee_id=assignee_id) | Q(Exists(Step.objects.filter(case=OuterRef("pk"), assignee_id=assignee_id))),
            access__unit_id=unit_id, access__kind=AccessKind.FILED, access__case_open=True).count()
        return {**mine, "watching": 0, "filed": filed}
    # Counting unit_id (never null) touches only columns of the step_inbox index: index-only on PostgreSQL.
    mine = Step.objects.filter(unit_id=unit_id, is_open=True).aggregate(
        todo=Count("unit"),
        overdue=Count("unit", filter=Q(due_at__lt=now)),
        due_soon=Count("unit", filter=Q(due_at__gte=now, due_at__lte=_threshold(now))),
    )
    watching = Step.objects.filter(dispatcher_unit_id=unit_id, is_open=True).exclude(unit_id=unit_id).count()
    filed = CaseAccess.objects.filter(unit_id=unit_id, kind=AccessKind.FILED, case_open=True).count()
    return {**mine, "watching": watching, "filed": filed}


def todo_count(user) -> int:
    """Open steps of the user's unit (a personal scope: the user's own): the badge on "My work"."""
    if not user.org_unit_id:
        return 0
    qs = Step.objects.filter(unit_id=user.org_unit_id, is_open=True)
    assignee_id = personal_id(user)
    return qs.count() if assignee_id is None else qs.filter(assignee_id=assignee_id).count()


def personal_id(user) -> int | None:
    """The user's id when their scope is personal (mediator/lawyer only), else None."""
    from unionserve.core.scope import scope_of

    return scope_of(user).personal_user_id
