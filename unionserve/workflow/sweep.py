"""The periodic sweep: mark steps overdue, warn of steps due soon, notify, escalate per definition.

Runs as a Celery beat task every few minutes. Each step is marked once (flags `overdue` and
`due_soon_notified`), so the sweep can run twice, or in two workers, without notifying twice: the
flag is set with a conditional UPDATE and only the rows this run flipped are notified.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import deadlines
from .models import CaseEvent, Step, StepKind
from .registry import registry

BATCH = 2000


@dataclass
class SweepReport:
    overdue: int = 0
    due_soon: int = 0
    escalated: int = 0


def sweep(now=None) -> SweepReport:
    """Mark newly overdue and due-soon open steps and notify their units and dispatchers."""
    now = now or timezone.now()
    report = SweepReport()
    while True:
        ids = list(Step.objects.filter(is_open=True, overdue=False, due_at__lt=now)
                   .order_by("due_at").values_list("id", flat=True)[:BATCH])
        if not ids:
            break
        report.overdue += _mark_overdue(ids, now, report)
    threshold = deadlines.due_soon_threshold(now, settings.UNIONSERVE.get("DUE_SOON_WORKING_DAYS", 1))
    while True:
        ids = list(Step.objects.filter(is_open=True, due_soon_notified=False, overdue=False,
                                       due_at__gte=now, due_at__lte=threshold)
                   .order_by("due_at").values_list("id", flat=True)[:BATCH])
        if not ids:
            break
        report.due_soon += _mark_due_soon(ids, now)
    return report


@transaction.atomic
def _mark_overdue(ids: list[int], now, report: SweepReport) -> int:
    from unionserve.notifications.api import Message, notify_many

    # Only rows still not overdue are flipped and notified (another sweep may have taken some).
    claimed = list(Step.objects.filter(pk__in=ids, overdue=False)
                   .select_related("case", "unit__region_parent", "unit__industry_parent", "dispatcher_unit"))
    Step.objects.filter(pk__in=[s.pk for s in claimed]).update(overdue=True, overdue_at=now)
    events, messages = [], []
    for step in claimed:
        case = step.case
        definition = registry.get(case.process) if case.process in registry else None
        events.append(CaseEvent(case=case, step=step, at=now, action="overdue", action_label="已超期",
                                from_state=step.state, to_state=step.state, deadline=step.deadline,
                                data={"unit": step.unit.code}))
        units = [step.unit] + ([step.dispatcher_unit] if step.dispatcher_unit_id else [])
        if definition is not None and definition.on_overdue == "escalate" and step.kind == StepKind.WORK:
            parent = step.unit.region_parent or step.unit.industry_parent
            if parent is not None and parent not in units:
                units.append(parent)
                report.escalated += 1
        messages.append(Message(
            context=_context(case, definition, step, f"{timezone.localtime(step.due_at):%Y-%m-%d}"),
            units=tuple(units), link=_link(case), dedupe_key=f"overdue:{step.pk}"))
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    notify_many("case.overdue", messages, channels=("in_app", "sms"))
    return len(claimed)


@transaction.atomic
def _mark_due_soon(ids: list[int], now) -> int:
    from unionserve.notifications.api import Message, notify_many

    claimed = list(Step.objects.filter(pk__in=ids, due_soon_notified=False).select_related("case", "unit"))
    Step.objects.filter(pk__in=[s.pk for s in claimed]).update(due_soon_notified=True)
    messages = []
    for step in claimed:
        case = step.case
        definition = registry.get(case.process) if case.process in registry else None
        messages.append(Message(
            context=_context(case, definition, step, f"{timezone.localtime(step.due_at):%Y-%m-%d %H:%M}"),
            units=(step.unit,), link=_link(case), dedupe_key=f"due_soon:{step.pk}:{step.due_at:%Y%m%d}"))
    notify_many("case.due_soon", messages)
    return len(claimed)


def _context(case, definition, step, due: str) -> dict:
    return {"number": case.number, "process": str(definition.label) if definition else case.process,
            "title": case.title, "unit": step.unit.name, "due": due}


def _link(case) -> str:
    return reverse("workflow:case", args=[case.number])
