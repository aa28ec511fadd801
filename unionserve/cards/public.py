"""The card's public module: what other areas (mutual aid, payouts, visits, 12351) may use of the cards.

- `valid_card(member_id, on=)`: the member's card that can be used and paid into on that day, or None.
- `valid_cards_on(day)`: every such card on a day (the daily export for the social-security center).
- `card_by_number(number)`: the card with this number (a swipe file's rows), or None.
- `cards_by_numbers(numbers)`: the same for many numbers in one query (a chunk of a swipe file), as `CardRef`s.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Q, QuerySet

from .models import VALID_STATUSES, Card, CardEvent, CardStatus

__all__ = ["Card", "CardEvent", "CardRef", "CardStatus", "card_by_number", "cards_by_numbers", "valid_card",
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
