"""When an official holiday schedule replaces a provisional one, open deadlines are recomputed."""

from __future__ import annotations

import datetime

from django.dispatch import receiver

from unionserve.workcalendar import service as calendar
from unionserve.workcalendar.signals import calendar_changed

from .models import Step


@receiver(calendar_changed)
def recompute_provisional_deadlines(sender, years=(), **kwargs) -> int:
    """Recompute open steps whose deadline was computed on a provisional calendar of one of `years`."""
    years = set(years or ())
    changed = []
    for step in Step.objects.filter(is_open=True, due_at__isnull=False).exclude(deadline={}).iterator():
        info = step.deadline
        if not info.get("provisional") or not years & set(info.get("provisional_years", [])):
            continue
        result = calendar.compute_deadline(info["rule"], datetime.date.fromisoformat(info["start"]), info["n"])
        due = result.deadline
        new_info = {**result.as_dict(), "source": info.get("source", ""), "recomputed": True}
        if info.get("policy"):
            new_info["policy"] = info["policy"]  # the same length, so the same policy version
        if info.get("chosen_date"):
            # A due date set per case (Transition.due_field) stays, unless the recomputed limit is earlier.
            chosen = datetime.date.fromisoformat(info["chosen_date"])
            if calendar.end_of_day(chosen) < due:
                due = calendar.end_of_day(chosen)
                new_info.update({key: info[key] for key in ("chosen_date", "due_date", "explanation")},
                                deadline=due.isoformat(), limit_date=result.due_date.isoformat())
        if step.extended_days:
            ext = calendar.compute_deadline(info["rule"] if info["rule"] != "same_day" else "working_days",
                                            due, step.extended_days)
            due = ext.deadline
            new_info["extended"] = ext.as_dict()
        step.due_at, step.deadline = due, new_info
        changed.append(step)
    Step.objects.bulk_update(changed, ["due_at", "deadline"], batch_size=500)
    return len(changed)
