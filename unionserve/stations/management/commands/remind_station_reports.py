"""Queue the monthly station report's reminders of today (run daily by the beat)."""

from django.core.management.base import BaseCommand

from unionserve.stations.reminders import remind


class Command(BaseCommand):
    help = "Remind service stations of their monthly report before and after the due day."

    def handle(self, *args, **options) -> None:
        result = remind()
        self.stdout.write(f"reminded {result['reminded']} stations")
