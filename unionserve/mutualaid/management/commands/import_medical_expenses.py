"""Read a quarter's expense file from the social-security center into a medical batch (the page's upload, for
files too large to send through a browser).

    manage.py import_medical_expenses FILE --year 2026 --quarter 1 --user USERNAME
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from unionserve.core import roles
from unionserve.mutualaid import actions, medical


class Command(BaseCommand):
    help = "Read a quarter's medical expense file (CSV or XLSX) into a batch in first review."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, choices=(1, 2, 3, 4), required=True)
        parser.add_argument("--user", required=True, help="The office user the batch is read for")

    def handle(self, *args, file: str, year: int, quarter: int, user: str, **options) -> None:
        acting = get_user_model().objects.filter(username=user).first()
        if acting is None or not acting.has_perm(roles.MANAGE_MUTUALAID) or acting.org_unit is None:
            raise CommandError(f"{user}: not a user of the mutual-insurance office")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            batch = actions.import_expenses(path=str(path), name=path.name, year=year, quarter=quarter,
                                            office=acting.org_unit, acting_user=acting)
        except medical.BatchRefused as refused:
            rec = refused.record
            for row, column, value, message in rec.errors[:20]:
                self.stderr.write(f"row {row} {column} {value!r}: {message}")
            raise CommandError(f"refused whole: {rec.error_count} problems (import {rec.pk})") from None
        self.stdout.write(f"batch {batch.pk} {batch}: {batch.lines} lines, {batch.rejected} rejected, "
                          f"{batch.flagged} flagged, payouts {batch.total_payout}")
