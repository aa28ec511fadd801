"""Who may receive mutual aid on a day (003 §三: 凡具有工会会员资格、持有京卡，参加社保的在职职工均可享受).

One rule, two speeds: `is_eligible` for one member (a claim, a page), and `EligibilityIndex` for many (the
quarterly batch reads every member of the file in a handful of queries, then decides each line in memory).

A member is eligible for a plan on a day when:

1. they are an active union member that day (status active in the register, joined on or before the day — the
   register keeps no leaving date, so a member who has left is not eligible for lines not yet paid);
2. they hold a valid Jingka card that day (issued or delivered, valid from/until, ``cards.public``);
3. they are enrolled in the plan for that plan year (the calendar year of the day);
4. for the medical plan, the enrolment says they are in social insurance.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from unionserve import policy
from unionserve.cards import public as cards
from unionserve.members import public as members

from . import policies
from .catalog import MEDICAL
from .models import Enrolment

#: The special groups whose members get the higher medical cap (003 §三: 劳模和困难职工).
SPECIAL_GROUPS = (members.SpecialGroup.MODEL_WORKER, members.SpecialGroup.HARDSHIP)

#: Why a member is not eligible (a code stored on a rejected line, and its words).
REASONS = {
    "unknown_member": _("Not a member in the register"),
    "not_active": _("Not an active union member on that day"),
    "no_card": _("No valid Jingka card on that day"),
    "not_enrolled": _("Not enrolled in the plan for that year"),
    "no_social_insurance": _("Not in social insurance (medical plan)"),
    "already_paid": _("Already paid in an earlier quarter"),
    "duplicate": _("The same line twice in this file"),
}
OK = ""


def _active_on(status: str, joined_on: dt.date | None, day: dt.date) -> bool:
    return status == members.MemberStatus.ACTIVE and (joined_on is None or joined_on <= day)


def _in_periods(periods, day: dt.date) -> bool:
    return any(since <= day and (until is None or until > day) for since, until in periods)


def is_eligible(member_id: int, plan_code: str, on: dt.date) -> tuple[bool, str]:
    """Whether the member may receive the plan's benefit for an event on `on`, and if not the reason's code."""
    member = members.Member.objects.filter(pk=member_id).only("status", "joined_on").first()
    if member is None:
        return False, "unknown_member"
    if not _active_on(member.status, member.joined_on, on):
        return False, "not_active"
    if cards.valid_card(member_id, on=on) is None:
        return False, "no_card"
    enrolment = Enrolment.objects.filter(member_id=member_id, plan__code=plan_code, year=on.year).first()
    if enrolment is None:
        return False, "not_enrolled"
    if plan_code == MEDICAL and not enrolment.in_social_insurance:
        return False, "no_social_insurance"
    return True, OK


def special_cap_applies(member_id: int, on: dt.date) -> bool:
    """Whether the member was a model worker or a hardship member on `on` (the register's history)."""
    return members.in_special_group_on(member_id, SPECIAL_GROUPS, on)


def annual_cap(member_id: int, on: dt.date) -> Any:
    """The medical plan's annual cap for this member on that day, as the policy value used (version included)."""
    key = policies.MEDICAL_SPECIAL_CAP if special_cap_applies(member_id, on) else policies.MEDICAL_ANNUAL_CAP
    return policy.value(key, on=on)


class EligibilityIndex:
    """Everything needed to decide many lines of a set of members, read in chunked bulk queries."""

    CHUNK = 2000

    def __init__(self, member_ids, plan_code: str, years) -> None:
        ids = sorted({int(i) for i in member_ids})
        self.plan_code = plan_code
        self.member: dict[int, tuple[str, dt.date | None]] = {}
        self.cards: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
        self.enrolled: dict[tuple[int, int], bool] = {}
        years = sorted(set(years))
        for start in range(0, len(ids), self.CHUNK):
            chunk = ids[start:start + self.CHUNK]
            for pk, status, joined in members.Member.objects.filter(pk__in=chunk).values_list(
                    "pk", "status", "joined_on"):
                self.member[pk] = (status, joined)
            valid = cards.Card.objects.filter(member_id__in=chunk, status__in=cards.VALID_STATUSES,
                                              valid_from__isnull=False)
            for member_id, since, until in valid.values_list("member_id", "valid_from", "valid_until"):
                if since is not None:
                    self.cards[member_id].append((since, until))
            rows = Enrolment.objects.filter(member_id__in=chunk, plan__code=plan_code, year__in=years)
            for member_id, year, insured in rows.values_list("member_id", "year", "in_social_insurance"):
                self.enrolled[(member_id, year)] = insured
        self.special = members.special_group_periods(ids, SPECIAL_GROUPS)

    def reason(self, member_id: int, day: dt.date) -> str:
        """"" when eligible on `day`, else the reason's code (REASONS)."""
        known = self.member.get(member_id)
        if known is None:
            return "unknown_member"
        if not _active_on(known[0], known[1], day):
            return "not_active"
        if not any(since <= day and (until is None or until >= day)
                   for since, until in self.cards.get(member_id, ())):
            return "no_card"
        insured = self.enrolled.get((member_id, day.year))
        if insured is None:
            return "not_enrolled"
        if self.plan_code == MEDICAL and not insured:
            return "no_social_insurance"
        return OK

    def special_on(self, member_id: int, day: dt.date) -> bool:
        """Model worker or hardship member on `day`."""
        return _in_periods(self.special.get(member_id, ()), day)


def paid_this_year(member_ids, years, *, exclude_batch_id: int | None = None) -> dict[tuple[int, int], Decimal]:
    """What the medical plan already counts against each member's cap per year: lines of other batches that were
    not rejected or refused (requested, paid, failed and carried, or still in review)."""
    from .models import ExpenseLine, LineState

    ids = sorted({int(i) for i in member_ids})
    out: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    counted = ~Q(state__in=[LineState.REJECTED, LineState.REFUSED])
    for start in range(0, len(ids), 500):
        qs = ExpenseLine.objects.filter(counted, member_id__in=ids[start:start + 500], year__in=list(set(years)))
        if exclude_batch_id is not None:
            qs = qs.exclude(batch_id=exclude_batch_id)
        for member_id, year, payout in qs.values_list("member_id", "year", "payout"):
            if member_id is not None and year is not None:
                out[(member_id, year)] += payout
    return out
