"""The rules of a claim's amount and eligibility, read from the policy versions in force on the event date.

002 §二(七): disability after a non-work accident up to the disability cap (graded by the disability grade: a
share of the cap per grade, `claims_policies.DISABILITY_SHARE`), death the death benefit, a home fire loss up
to the fire-loss cap and never more than the assessed loss. Every limit is the version in force **on the event
date**, and the decision records the versions it used.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from unionserve import policy
from unionserve.core.money import MAX_AMOUNT, MONEY_PATTERN

from . import claims_policies as cp
from .catalog import ACCIDENT_FIRE
from .models import ClaimType

#: The plan a claim is paid under (seed 003's list of the eight plans: 《非工伤意外及家财火灾损失互助保障计划》).
PLAN_CODE = ACCIDENT_FIRE
CENT = Decimal("0.01")
#: How far back an event may lie (a typing bound: the plans pay events of the running years only).
MAX_EVENT_AGE_DAYS = 3 * 366


@dataclass
class Limit:
    """The most that may be paid for a claim, and the policy versions that set it."""

    amount: Decimal
    records: dict = field(default_factory=dict)
    explanation: str = ""


def cap_for(claim_type: str, event_date: dt.date, *, grade: int | None = None,
            assessed_loss: Decimal | None = None) -> Limit:
    """The limit of a claim of this type for an event on `event_date` (ValueError when an input is missing)."""
    if claim_type == ClaimType.DISABILITY:
        if grade not in cp.GRADES:
            raise ValueError(_("Give the disability grade (1 to 10) from the assessment."))
        cap = policy.value(cp.DISABILITY_MAX, on=event_date)
        share = policy.value(cp.DISABILITY_SHARE[grade], on=event_date)
        amount = (Decimal(cap.value) * Decimal(share.value) / 100).quantize(CENT, ROUND_DOWN)
        return Limit(amount, {cap.key: cap.as_record(), share.key: share.as_record()},
                     _("grade %(grade)s: %(share)s%% of %(cap)s yuan") % {"grade": grade, "share": share.value,
                                                                          "cap": cap.value})
    if claim_type == ClaimType.DEATH:
        benefit = policy.value(cp.DEATH_BENEFIT, on=event_date)
        return Limit(Decimal(benefit.value), {benefit.key: benefit.as_record()},
                     _("death benefit %(amount)s yuan") % {"amount": benefit.value})
    if claim_type == ClaimType.FIRE:
        if assessed_loss is None:
            raise ValueError(_("Give the assessed loss of the fire."))
        cap = policy.value(cp.FIRE_LOSS_MAX, on=event_date)
        amount = min(Decimal(cap.value), assessed_loss)
        return Limit(amount, {cap.key: cap.as_record()},
                     _("the assessed loss %(loss)s yuan, at most %(cap)s yuan") % {"loss": assessed_loss,
                                                                                   "cap": cap.value})
    raise ValueError(_("Unknown claim type."))


def parse_amount(raw, label: str) -> Decimal:
    """A money amount typed by a person: above zero, two decimals at most, bounded (ValueError with a message)."""
    text = str(raw if raw is not None else "").strip().replace(",", "").replace("，", "")
    # Digits and at most two decimals, as people write yuan (no exponent, no sign, no "NaN").
    if not re.fullmatch(MONEY_PATTERN, text):
        raise ValueError(_("%(field)s must be an amount in yuan, e.g. 1234.50.") % {"field": label})
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("%(field)s must be an amount in yuan, e.g. 1234.50.") % {"field": label}) from None
    if value <= 0 or value > MAX_AMOUNT:
        raise ValueError(_("%(field)s must be an amount above zero with at most two decimals.") % {"field": label})
    return value.quantize(CENT)


def check_event_date(day: dt.date, today: dt.date) -> None:
    """The event date lies in the past, within the bound (ValueError with a message)."""
    if day > today:
        raise ValueError(_("The event date cannot be in the future."))
    if (today - day).days > MAX_EVENT_AGE_DAYS:
        raise ValueError(_("The event date is too long ago for a claim."))


def eligibility(member_id: int, on: dt.date) -> tuple[bool, str]:
    """Whether the member was covered by the accident and fire-loss plan on the event date, and if not why (the
    plans' rule: an active member with a valid card, enrolled for that year)."""
    from . import public

    ok, reason = public.is_eligible(member_id, PLAN_CODE, on)
    return bool(ok), "" if ok else str(public.REASONS.get(reason, reason))
