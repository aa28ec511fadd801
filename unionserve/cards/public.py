"""The card's public module: what other areas (mutual aid, payouts, visits, 12351) may use of the cards.

- `valid_card(member_id, on=)`: the member's card that can be used and paid into on that day, or None.
- `valid_cards_on(day)`: every such card on a day (the daily export for the social-security center).
- `card_by_number(number)`: the card with this number (a swipe file's rows), or None.
- `cards_of_member(member_id, user=)`: the member's cards the user may read, newest first.
- `problems_for_case(case_number, user=)`: the card problems linked to a 12351 request.
- `report_problem(...)` / `resolve_problem(...)`: 12351 links a request to the caller's card; the unit handling
  the request records what was done (seed 000 §四.3(2)-(3)).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from unionserve.core.scope import scope_of

from .actions import report_problem, resolve_problem
from .models import VALID_STATUSES, Card, CardEvent, CardProblem, CardStatus, ProblemKind, ProblemStatus

__all__ = ["Card", "CardEvent", "CardProblem", "CardStatus", "ProblemKind", "ProblemStatus", "card_by_number",
           "cards_of_member", "problems_for_case", "report_problem", "resolve_problem", "valid_card",
           "valid_cards_on"]


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


def cards_of_member(member_id: int, *, user) -> list[Card]:
    """The member's cards `user` may read (scope), newest first (empty outside the scope)."""
    return list(scope_of(user).filter(Card.objects.filter(member_id=member_id)).select_related("batch")
                .order_by("-created_at", "-pk"))


def problems_for_case(case_number: str, *, user) -> list[CardProblem]:
    """The card problems linked to this 12351 request that `user` may read."""
    return list(scope_of(user).filter(CardProblem.objects.filter(case_number=case_number))
                .select_related("card", "card__member"))
