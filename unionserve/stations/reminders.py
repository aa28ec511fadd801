"""Reminders of the monthly report through the outbox: before the due day to the stations that have not submitted,
and on every working day after it to those still missing (and their district). Run daily by the beat
(`manage.py remind_station_reports`); the dedupe keys make a second run the same day send nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from unionserve import policy
from unionserve.core.units import UnitKind
from unionserve.notifications.api import Message, notify_many
from unionserve.orgs.models import OrgUnit, UnitStatus
from unionserve.workcalendar import service as calendar

from . import policies, rules
from .models import MonthlyReport


def remind(today: dt.date | None = None) -> dict[str, int]:
    """Queue the reminders due `today` for the last month's report; returns how many stations were reminded."""
    today = today or timezone.localdate()
    period = rules.month_start(rules.month_start(today) - dt.timedelta(days=1))
    due, _used = rules.due_day(period)
    before = int(policy.value(policies.REPORT_REMIND_BEFORE, on=today).value)
    submitted = set(MonthlyReport.objects.filter(period=period, first_submitted_on__isnull=False)
                    .values_list("station_id", flat=True))
    stations = [s for s in OrgUnit.objects.filter(kind=UnitKind.STATION, status=UnitStatus.ACTIVE)
                .select_related("region_parent") if s.pk not in submitted]
    context = {"month": f"{period:%Y-%m}", "due": due.isoformat()}
    if today <= due and (due - today).days <= before:
        event, key = "station.report_due", f"station-report-due-{period:%Y%m}"
        messages = [Message(context={**context, "unit": s.name}, units=(s,), link=f"/stations/{s.pk}/",
                            dedupe_key=key) for s in stations]
    elif today > due and calendar.is_working_day(today):
        event, key = "station.report_overdue", f"station-report-overdue-{period:%Y%m}-{today:%Y%m%d}"
        messages = [Message(context={**context, "unit": s.name},
                            units=(s, s.region_parent) if s.region_parent else (s,),
                            link=f"/stations/{s.pk}/", dedupe_key=key) for s in stations]
    else:
        return {"reminded": 0}
    notify_many(event, messages)
    return {"reminded": len(messages)}
