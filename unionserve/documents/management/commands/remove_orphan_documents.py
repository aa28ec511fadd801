"""``manage.py remove_orphan_documents [--hours 24] [--dry-run]``: the daily sweep, by hand."""

import datetime as dt

from django.core.management.base import BaseCommand

from unionserve.documents.cleanup import DEFAULT_MIN_AGE, remove_orphans


class Command(BaseCommand):
    help = "Delete stored PDFs that no generated-document row points to (left by actions that rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=DEFAULT_MIN_AGE.total_seconds() / 3600,
                            help="only files older than this (default 24)")
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, hours: float, dry_run: bool, **options):
        result = remove_orphans(min_age=dt.timedelta(hours=hours), dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(f"checked {result.checked} files, {verb} {result.removed}")
