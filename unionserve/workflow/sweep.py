"""The periodic sweep: mark steps overdue, warn of steps due soon, notify, escalate per definition.

Runs as a Celery beat task every few minutes. Each step is marked once (flags `overdue` and
`due_soon_notified`), so the sweep can run twice, or in two workers, without notifying twice: the
flag is set with a conditional UPDATE and only the rows this run flipped are notified.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from unionserve.orgs.models import OrgUnit

from . import deadlines
from .models import CaseEvent, Step, StepKind
from .registry import registry

BATCH = 2000


@dataclass
class SweepReport:
    overdue: int = 0
    due_soon: int = 0
    escalated: int = 0
    notified_units: int = 0


@dataclass
class _Digest:
    """What one unit is told at the end of a run: how many steps, the first few case numbers, where to look."""

    unit: object
    tab: str
    count: int = 0
    numbers: list = field(default_factory=list)

    def add(self, number: str) -> None:
        self.count += 1
        if len(self.numbers) < DIGEST_NUMBERS:
            self.numbers.append(number)


DIGEST_NUMBERS = 5


def sweep(now=None) -> SweepReport:
    """Mark newly overdue and due-soon open steps; tell each unit once per run (a digest, not one per case)."""
    now = now or timezone.now()
    report = SweepReport()
    overdue_digest: dict[int, _Digest] = {}
    # One read of the ids (integers, even 200,000 are small), then batches: no rescanning of marked rows.
    ids = list(Step.objects.filter(is_open=True, overdue=False, due_at__lt=now)
               .order_by("due_at").values_list("id", flat=True))
    for start in range(0, len(ids), BATCH):
        report.overdue += _mark_overdue(ids[start:start + BATCH], now, report, overdue_digest)
    threshold = deadlines.due_soon_threshold(now, settings.UNIONSERVE.get("DUE_SOON_WORKING_DAYS", 1))
    due_soon_digest: dict[int, _Digest] = {}
    ids = list(Step.objects.filter(is_open=True, due_soon_notified=False, overdue=False,
                                   due_at__gte=now, due_at__lte=threshold)
               .order_by("due_at").values_list("id", flat=True))
    for start in range(0, len(ids), BATCH):
        report.due_soon += _mark_due_soon(ids[start:start + BATCH], due_soon_digest)
    report.notified_units = _send("steps.overdue", overdue_digest, now, ("in_app", "sms"))
    report.notified_units += _send("steps.due_soon", due_soon_digest, now, ("in_app",))
    return report


def _digest_for(digests: dict, unit, tab: str) -> _Digest:
    key = (unit.pk, tab)
    if key not in digests:
        digests[key] = _Digest(unit, tab)
    return digests[key]


@transaction.atomic
def _mark_overdue(ids: list[int], now, report: SweepReport, digests: dict) -> int:
    # Only rows still not overdue are flipped and reported (another sweep may have taken some).
    claimed = list(Step.objects.filter(pk__in=ids, overdue=False)
                   .select_related("case", "unit", "dispatcher_unit")
                   .only("id", "state", "kind", "deadline", "due_at", "dispatcher_unit", "case__number",
                         "case__process", "unit__name", "unit__code", "unit__status", "unit__phone",
                         "unit__region_parent_id", "unit__industry_parent_id", "dispatcher_unit__name",
                         "dispatcher_unit__status", "dispatcher_unit__phone"))
    Step.objects.filter(pk__in=[s.pk for s in claimed]).update(overdue=True, overdue_at=now)
    parents = OrgUnit.objects.in_bulk(
        {s.unit.region_parent_id or s.unit.industry_parent_id for s in claimed} - {None})
    events = []
    for step in claimed:
        case = step.case
        definition = registry.get(case.process) if case.process in registry else None
        events.append(CaseEvent(case_id=case.pk, step_id=step.pk, at=now, action="overdue", action_label="已超期",
                                from_state=step.state, to_state=step.state,
                                deadline={k: step.deadline[k] for k in ("due_date", "deadline") if k in step.deadline},
                                data={"unit": step.unit.code}))
        _digest_for(digests, step.unit, "overdue").add(case.number)
        if step.dispatcher_unit_id:
            _digest_for(digests, step.dispatcher_unit, "watching").add(case.number)
        if definition is not None and definition.on_overdue == "escalate" and step.kind == StepKind.WORK:
            parent = parents.get(step.unit.region_parent_id or step.unit.industry_parent_id)
            if parent is not None and parent.pk != step.dispatcher_unit_id:
                _digest_for(digests, parent, "supervise").add(case.number)
                report.escalated += 1
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    return len(claimed)


@transaction.atomic
def _mark_due_soon(ids: list[int], digests: dict) -> int:
    claimed = list(Step.objects.filter(pk__in=ids, due_soon_notified=False).select_related("case", "unit"))
    Step.objects.filter(pk__in=[s.pk for s in claimed]).update(due_soon_notified=True)
    for step in claimed:
        _digest_for(digests, step.unit, "due_soon").add(step.case.number)
    return len(claimed)


@transaction.atomic
def _send(event: str, digests: dict, now, channels: tuple[str, ...]) -> int:
    from unionserve.notifications.api import Message, notify_many

    tabs = {"overdue": "overdue", "due_soon": "due_soon", "watching": "watching", "supervise": "todo"}
    messages = [
        Message(context={"unit": d.unit.name, "count": d.count,
                         "numbers": "、".join(d.numbers) + ("…" if d.count > len(d.numbers) else "")},
                units=(d.unit,), link=reverse("workflow:inbox_tab", args=[tabs[d.tab]]),
                dedupe_key=f"{event}:{d.tab}:{d.unit.pk}:{now:%Y%m%d%H%M%S}")
        for d in digests.values()
    ]
    notify_many(event, messages, channels=channels)
    return len(messages)
