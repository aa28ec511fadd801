"""The rules of a referral, as small pure functions (the models and actions apply them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from unionserve.core.money import MAX_AMOUNT

from .models import Direction, ReferralStatus

#: Where a referral may go from each status (seed 003 §四: the partner takes it up, concludes it or declines).
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    ReferralStatus.SENT: (ReferralStatus.IN_PROGRESS, ReferralStatus.CONCLUDED, ReferralStatus.DECLINED),
    ReferralStatus.RECEIVED: (ReferralStatus.IN_PROGRESS, ReferralStatus.CONCLUDED, ReferralStatus.DECLINED),
    ReferralStatus.IN_PROGRESS: (ReferralStatus.CONCLUDED, ReferralStatus.DECLINED),
    ReferralStatus.CONCLUDED: (),
    ReferralStatus.DECLINED: (),
}



def initial_status(direction: str) -> str:
    """A referral we send starts as sent; one we receive, as received."""
    return ReferralStatus.SENT if direction == Direction.OUTGOING else ReferralStatus.RECEIVED


def check_referral_date(referred_on: dt.date, today: dt.date, case_opened: dt.date | None = None) -> str | None:
    """The date of a referral: not in the future; an outgoing one not before its case was opened."""
    if referred_on > today:
        return _("The date cannot be in the future.")
    if case_opened is not None and referred_on < case_opened:
        return _("The referral cannot be dated before the case was opened (%(date)s).") % {
            "date": case_opened.isoformat()}
    return None


def check_outcome(current: str, new: str, *, outcome: str, outcome_on: dt.date | None, referred_on: dt.date,
                  today: dt.date, amount: Decimal | None) -> str | None:
    """Whether a referral may move from `current` to `new` with this outcome; the reason if not."""
    if new not in NEXT_STATUSES.get(current, ()):
        allowed = NEXT_STATUSES.get(current, ())
        if not allowed:
            return _("This referral is already closed (%(status)s); its outcome cannot change.") % {
                "status": ReferralStatus(current).label}
        return _("A referral that is %(current)s can become: %(allowed)s.") % {
            "current": ReferralStatus(current).label,
            "allowed": "、".join(str(ReferralStatus(s).label) for s in allowed)}
    if new in (ReferralStatus.CONCLUDED, ReferralStatus.DECLINED):
        if not outcome.strip():
            return _("Describe the outcome (what the partner decided or did).")
        if outcome_on is None:
            return _("Give the date of the outcome.")
    if outcome_on is not None:
        if outcome_on < referred_on:
            return _("The outcome date cannot be before the referral date (%(date)s).") % {
                "date": referred_on.isoformat()}
        if outcome_on > today:
            return _("The outcome date cannot be in the future.")
    if amount is not None:
        if amount < 0 or amount > MAX_AMOUNT:
            return _("The amount must be between 0 and %(max)s yuan.") % {"max": f"{MAX_AMOUNT:,}"}
        if new == ReferralStatus.DECLINED and amount > 0:
            return _("A declined referral recovered nothing; leave the amount empty.")
    return None
