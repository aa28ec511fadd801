"""Build a payout batch (or finish an interrupted build) and optionally write its payout file.

    manage.py payouts_build_batch --purpose mutualaid.claim --user insurance [--out PO20261208-001.csv]

Run it again after a crash: it resumes the unfinished batch of the same purpose and unit; nothing is added twice.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from unionserve.accounts.models import User
from unionserve.payouts import actions


class Command(BaseCommand):
    help = "Build a payout batch from the waiting payments of one purpose; --out also writes the payout file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--purpose", required=True, help='e.g. "mutualaid.claim" or a family "assistance.*"')
        parser.add_argument("--user", required=True, help="the acting user's name (holds MANAGE_PAYOUTS)")
        parser.add_argument("--out", help="write the batch's payout file to this path (the batch is then sent)")

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        try:
            report = actions.build_batch(purpose=options["purpose"], acting_user=user)
            assert report.batch is not None
            batch = report.batch
            self.stdout.write(f"{batch.number}: {batch.line_count} lines, {batch.total} yuan; {report.held} held "
                              f"without a valid card{' (resumed)' if report.resumed else ''}")
            if options["out"]:
                content = actions.write_payout_file(batch, acting_user=user)
                Path(options["out"]).write_bytes(content)
                batch.refresh_from_db()
                self.stdout.write(f"payout file {options['out']}: sha256 {batch.file_sha256}")
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
