"""The four measures of a project's evaluation (seed 002 §四(三)): participation (职工参与度), satisfaction
(职工满意度), fund efficiency (资金使用效能) and reach.

- participation: served visits recorded for the project's service key "project:<code>" (visits.public);
- reach: distinct members among those visits;
- satisfaction: the average of members' 1–5 ratings in the period, with how many ratings;
- fund efficiency: the yearly subsidy divided by the visits of the period (yuan per visit), none without visits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count

from unionserve.visits.public import visits_count

from .models import Project, Rating


@dataclass(frozen=True)
class Figures:
    visits: int
    members: int
    ratings: int
    satisfaction: Decimal | None
    subsidy_per_visit: Decimal | None


def figures(project: Project, start: dt.date, end: dt.date) -> Figures:
    """The measures of `project` from `start` to `end` inclusive."""
    visits, members = visits_count(service=project.service_key, start=start, end=end)
    r = Rating.objects.filter(project=project, day__gte=start, day__lte=end).aggregate(n=Count("pk"), avg=Avg("score"))
    satisfaction = Decimal(str(r["avg"])).quantize(Decimal("0.01"), ROUND_HALF_UP) if r["avg"] is not None else None
    per_visit = (project.subsidy / visits).quantize(Decimal("0.01"), ROUND_HALF_UP) \
        if project.subsidy is not None and visits else None
    return Figures(visits, members, r["n"], satisfaction, per_visit)
