"""`manage.py expire_hardship_files`: end the hardship files whose yearly re-check is overdue (run daily)."""

from django.core.management.base import BaseCommand

from unionserve.assistance.actions import expire_hardship_files


class Command(BaseCommand):
    help = "Expire hardship files past their validity (the register's hardship flag ends with its history)."

    def handle(self, *args, **options) -> None:
        count = expire_hardship_files()
        self.stdout.write(f"{count} hardship files expired")
