"""The monthly report's figures the platform already knows (001 §二(五)3): the area's workforce changes from the
register and the org tree, the work done from the engine and the served-visit log. The station checks them and
types the rest."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone

from unionserve.core import tree
from unionserve.core.units import UnitKind
from unionserve.members import public as members
from unionserve.orgs.models import OrgUnit
from unionserve.visits.public import ServedVisit
from unionserve.workflow.models import Step

from . import rules

#: Figure → the engine's process codes whose work at the station counts for it.
PROCESSES: dict[str, tuple[str, ...]] = {
    "affairs_handled": ("affair",),
    "mediation_cases": ("mediation", "mediation_up"),
    "legal_aid_cases": ("legalaid", "legalaid_up"),
    "sample_checks": ("samplecheck",),
    "work_orders": ("workorder",),
}


def _bounds(period: dt.date) -> tuple[dt.date, dt.date, dt.datetime, dt.datetime]:
    start = rules.month_start(period)
    end = rules.next_month(start) - dt.timedelta(days=1)
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    hi = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return start, end, lo, hi


def prefilled(station: OrgUnit, period: dt.date) -> dict[str, int]:
    """The prefilled figures of `station`'s report of the month of `period`."""
    start, end, lo, hi = _bounds(period)
    subtree = tree.subtree_q("region_path", station.region_path or "-")
    out: dict[str, int] = {}
    out["units_founded"] = OrgUnit.objects.filter(subtree, kind=UnitKind.GRASSROOTS, created_at__gte=lo,
                                                  created_at__lt=hi).count()
    out.update(members.area_changes(station, start, end))
    units = OrgUnit.objects.filter(subtree).values("pk")
    # A case counts once for a figure when the station (or a unit under it) completed a step of it in the month.
    done = Step.objects.filter(unit__in=units, completed_at__gte=lo, completed_at__lt=hi)
    for name, codes in PROCESSES.items():
        out[name] = done.filter(Q(process__in=codes)).values("case_id").distinct().count()
    out["served_visits"] = ServedVisit.objects.filter(grassroots__in=units, day__gte=start, day__lte=end).count()
    return out
