"""Nightly sweep: cancel the live Jingka cards of members the register no longer lists as active."""

from django.core.management.base import BaseCommand

from unionserve.cards.actions import cancel_leavers
from unionserve.cards.models import Card


class Command(BaseCommand):
    help = "Cancel the live cards of members who left, moved out or died (membership ended)."

    def handle(self, *args, **options) -> None:
        n = cancel_leavers(Card.objects.all())
        self.stdout.write(f"{n} cards cancelled")
