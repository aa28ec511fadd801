"""The card's public module: what other areas (mutual aid, payouts, visits, 12351) may use of the cards.

- `valid_card(member_id, on=)`: the member's card that can be used and paid into on that day, or None.
- `valid_cards_on(day)`: every such card on a day (the daily export for the social-security center).
- `card_by_number(number)`: the card with this number (a swipe file's rows), or None.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from .models import VALID_STATUSES, Card, CardEvent, CardStatus

__all__ = ["Card", "CardEvent", "CardStatus", "card_by_number", "valid_card", "valid_cards_on"]


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
