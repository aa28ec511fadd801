"""Celery tasks of the cards (scheduled by beat in settings)."""

from celery import shared_task


@shared_task(name="unionserve.cards.cancel_leavers")
def cancel_leavers_cards() -> int:
    """The nightly sweep: cancel the live cards of members who are no longer active in the register."""
    from .actions import cancel_leavers
    from .models import Card

    return cancel_leavers(Card.objects.all())
