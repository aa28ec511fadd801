"""``manage.py seed_calendar``: load the chinese-calendar package's holiday data (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from unionserve.workcalendar.seeding import seed_from_package


class Command(BaseCommand):
    help = (
        "Seed the working-day calendar from the chinese-calendar package for every year it covers. "
        "Safe to run again: unchanged years are left alone, years entered by an administrator are kept."
    )

    def handle(self, *args, **options) -> None:
        report = seed_from_package()
        self.stdout.write(self.style.SUCCESS(f"Working-day calendar seeded. {report}"))
