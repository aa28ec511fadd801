"""The card's public module: what other areas (mutual aid, payouts, visits, 12351) may use of the cards.

- `valid_card(member_id, on=)`: the member's card that can be used and paid into on that day, or None.
- `valid_cards_on(day)`: every such card on a day (the daily export for the social-security center).
- `card_by_number(number)`: the card with this number (a swipe file's rows), or None.
- `cards_by_numbers(numbers)`: the same for many numbers in one query (a chunk of a swipe file), as `CardRef`s.
- `cards_of_member(member_id, user=)`: the member's cards the user may read, newest first.
- `problems_for_case(case_number, user=)`: the card problems linked to a 12351 request.
- `report_problem(...)` / `resolve_problem(...)`: 12351 links a request to the caller's card; the unit handling
  the request records what was done (seed 000 §四.3(2)-(3)).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Q, QuerySet

from unionserve.core.scope import scope_of

from .actions import report_problem, resolve_problem
from .models import VALID_STATUSES, Card, CardEvent, CardProblem, CardStatus, ProblemKind, ProblemStatus

__all__ = ["Card", "CardEvent", "CardProblem", "CardRef", "CardStatus", "ProblemKind", "ProblemStatus",
           "card_by_number", "cards_by_numbers", "cards_of_member", "problems_for_case", "report_problem",
           "resolve_problem", "valid_card", "valid_cards_on"]


def valid_cards_on(day: dt.date) -> QuerySet[Card]:
    """Cards usable on `day`: issued (or delivered) by then and not yet lost, replaced or cancelled."""
    return Card.objects.filter(status__in=VALID_STATUSES, valid_from__lte=day).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day))


def valid_card(member_id: int, *, on: dt.date) -> Card | None:
    """The member's card usable on `on`, or None."""
    return valid_cards_on(on).filter(member_id=member_id).order_by("-valid_from", "-pk").first()


def card_by_number(number: str) -> Card | None:
    """The card with this number, whatever its state, or None."""
    number = (number or "").strip()
    return Card.objects.filter(number=number).first() if number else None


class CardRef(NamedTuple):
    """What a swipe file's row needs of a card: whose it is and the days it could be used."""

    member_id: int
    grassroots_id: int
    status: str
    valid_from: dt.date | None
    valid_until: dt.date | None

    def valid_on(self, day: dt.date) -> bool:
        """Whether the card could be used on `day`: issued by then and not yet ended (as `valid_cards_on`); a card
        lost, replaced or cancelled since still counts for the days before its end date."""
        if self.valid_from is None or day < self.valid_from:
            return False
        if self.valid_until is not None:
            return day <= self.valid_until
        return self.status in VALID_STATUSES


def cards_by_numbers(numbers: Iterable[str]) -> dict[str, CardRef]:
    """The cards with these numbers (one query; the caller chunks), by number; unknown numbers are absent."""
    wanted = list({n for n in numbers if n})
    if not wanted:
        return {}
    rows = Card.objects.filter(number__in=wanted).values_list(
        "number", "member_id", "member__grassroots_id", "status", "valid_from", "valid_until").order_by()
    return {number: CardRef(member_id, grassroots_id, status, valid_from, valid_until)
            for number, member_id, grassroots_id, status, valid_from, valid_until in rows if number}
def cards_of_member(member_id: int, *, user) -> list[Card]:
    """The member's cards `user` may read (scope), newest first (empty outside the scope)."""
    return list(scope_of(user).filter(Card.objects.filter(member_id=member_id)).select_related("batch")
                .order_by("-created_at", "-pk"))


def problems_for_case(case_number: str, *, user) -> list[CardProblem]:
    """The card problems linked to this 12351 request that `user` may read."""
    return list(scope_of(user).filter(CardProblem.objects.filter(case_number=case_number))
                .select_related("card", "card__member"))
