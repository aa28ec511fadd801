"""Mutual aid: the public module, all other areas (and the claims part of this app) may use of the plans.

- `Plan`, `Enrolment`, `PlanKind`, the plan codes `MEDICAL` and `ACCIDENT_FIRE`.
- `is_eligible(member_id, plan_code, on)` → ``(bool, reason code)``: an active member that day, with a valid
  Jingka card that day, enrolled in the plan for that year, and for the medical plan in social insurance.
  `REASONS` gives each code's words.
- `special_cap_applies(member, on)` (a member or its id): a model worker or hardship member on that day
  (the register's history).
- `annual_cap(member, on)`: the medical plan's cap for the member that day, as the policy value used
  (``.value``, ``.version``, ``.as_record()``).
- `enrolment_for(member_id, plan_code, year)`: the member's enrolment, or None.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import eligibility
from .catalog import ACCIDENT_FIRE, MEDICAL, PLANS, PlanKind
from .eligibility import REASONS
from .models import Enrolment, Plan

__all__ = ["ACCIDENT_FIRE", "MEDICAL", "PLANS", "REASONS", "Enrolment", "Plan", "PlanKind", "annual_cap",
           "enrolment_for", "is_eligible", "special_cap_applies"]


def _pk(member) -> int:
    """A member or its id."""
    return int(getattr(member, "pk", member))


def is_eligible(member_id, plan_code: str, on: dt.date) -> tuple[bool, str]:
    """Whether the member (or member id) may receive the plan's benefit for an event on `on`; the reason code
    when not."""
    return eligibility.is_eligible(_pk(member_id), plan_code, on)


def special_cap_applies(member, on: dt.date) -> bool:
    """Whether the member (or member id) was a model worker or hardship member on `on`."""
    return eligibility.special_cap_applies(_pk(member), on)


def annual_cap(member, on: dt.date) -> Any:
    """The medical plan's annual cap for the member (or member id) on `on`: the policy value used (``.value``,
    ``.version``, ``.as_record()``)."""
    return eligibility.annual_cap(_pk(member), on)


def enrolment_for(member_id: int, plan_code: str, year: int) -> Enrolment | None:
    """The member's enrolment in the plan for that plan year, or None."""
    return Enrolment.objects.filter(member_id=member_id, plan__code=plan_code, year=year).select_related(
        "plan", "unit").first()
