"""Deliver due notifications now, until none is left (or the SMS rate limit stops the run)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from unionserve.notifications.delivery import deliver_due


class Command(BaseCommand):
    help = "Deliver due notifications now (what the periodic task does), until none is due."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, batch: int, **options):
        total = {"sent": 0, "retrying": 0, "failed": 0}
        while True:
            result = deliver_due(batch)
            for key in total:
                total[key] += getattr(result, key)
            if result.claimed < batch:
                break
        self.stdout.write(f"sent {total['sent']}, retrying {total['retrying']}, failed {total['failed']}")
