"""Advance every confirmed or sending broadcast once (cron, or after a broker outage)."""

from django.core.management.base import BaseCommand

from unionserve.broadcasts.tasks import resume_open


class Command(BaseCommand):
    help = "Queue the next window of every open broadcast appeal and mark delivered ones done."

    def handle(self, *args, **options) -> None:
        for result in resume_open():
            self.stdout.write(f"broadcast {result['broadcast']}: queued {result['queued']}, "
                              f"more: {result['more']}, done: {result['done']}")
