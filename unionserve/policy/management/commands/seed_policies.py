"""Create version 1 (the seed default) of every registered policy parameter that has none (idempotent)."""

from django.core.management.base import BaseCommand

from unionserve.policy.service import ensure_defaults


class Command(BaseCommand):
    help = "Create the seed default (approved version 1) of every policy parameter without a version."

    def handle(self, *args, **options) -> None:
        created = ensure_defaults()
        self.stdout.write(f"{created} policy parameters seeded")
