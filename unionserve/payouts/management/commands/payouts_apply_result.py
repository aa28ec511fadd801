"""Apply the bank's result file to a sent batch.

    manage.py payouts_apply_result --batch PO20261208-001 --file result.csv --user insurance

Applying the same file again (after a crash, or by mistake) settles only the lines left and pays nothing twice;
a bad file is refused whole with its row errors.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from unionserve.accounts.models import User
from unionserve.payouts import actions
from unionserve.payouts.models import PayoutBatch


class Command(BaseCommand):
    help = "Apply the bank's result file (reference,amount,PAID|FAILED,reason + trailer) to a sent batch."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch", required=True, help="the batch number, e.g. PO20261208-001")
        parser.add_argument("--file", required=True, help="the bank's result file (UTF-8 CSV)")
        parser.add_argument("--user", required=True, help="the acting user's name (holds MANAGE_PAYOUTS)")

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        batch = actions.payout_scope(user).filter(PayoutBatch.objects.filter(number=options["batch"])).first()
        if batch is None:
            raise CommandError(f"No batch {options['batch']!r} in the scope of {user.username}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        try:
            report = actions.apply_result(batch, path.read_bytes(), acting_user=user, filename=path.name)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("\n".join(getattr(exc, "messages", [str(exc)]))) from exc
        if report.already:
            self.stdout.write(f"{batch.number}: this result file was already applied; nothing changed")
        else:
            self.stdout.write(f"{batch.number}: {report.paid} paid, {report.failed} failed (carried over)")
