"""``manage.py import_swipes <file> --user <username>``: import a bank's swipe file from the command line (a
month's file of the whole city is too long for a page request), as that user (scope, audit)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unionserve.accounts.models import User
from unionserve.core import roles
from unionserve.visits import actions


class Command(BaseCommand):
    help = "Import a card swipe file (CSV or XLSX) into the served-visit ledger as a user."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path")
        parser.add_argument("--user", required=True, help="the importing user's name (their scope applies)")

    def handle(self, *args, **options) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None or not user.has_perm(roles.RECORD_VISITS):
            raise CommandError("no active user of that name who may import swipe files")
        try:
            imp = actions.import_file(path, original_name=path.name, acting_user=user)
        except actions.VisitRefused as exc:
            raise CommandError(str(exc)) from exc
        if imp.refused:
            raise CommandError(imp.refused)
        self.stdout.write(f"import {imp.pk}: {imp.rows} rows, {imp.visits_added} visits added, "
                          f"{imp.already_counted} already counted, {imp.error_rows} rows with errors "
                          f"({imp.seconds:.1f} s)")
