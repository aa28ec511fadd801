"""``manage.py import_org_units FILE`` adds units from the units template; ``--template FILE`` writes a blank one."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unionserve.orgs.setup import UnitFileError, load_units, read_units, write_error_report, write_template


class Command(BaseCommand):
    help = ("Add org units from the units template (XLSX, XLS, ODS or CSV). Every row is checked first; nothing is "
            "saved while one is wrong. Codes already in the tree are left unchanged, so a file can be loaded again.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?", help="The filled-in template.")
        parser.add_argument("--template", metavar="FILE", help="Write the blank template to FILE and stop.")
        parser.add_argument("--as", dest="as_user", metavar="USERNAME",
                            help="The user the audit log records as having added the units.")
        parser.add_argument("--errors", metavar="FILE", default="units-errors.xlsx",
                            help="Where to write the error report (行号, 列, 值, 问题) when rows are wrong.")

    def handle(self, *args, **options) -> None:
        if options["template"]:
            self.stdout.write(f"Template written: {write_template(options['template'])}")
            return
        if not options["file"]:
            raise CommandError("Give the file to import, or --template FILE.")
        acting_user = None
        if options["as_user"]:
            from django.contrib.auth import get_user_model

            acting_user = get_user_model().objects.filter(username=options["as_user"]).first()
            if acting_user is None:
                raise CommandError(f"No user {options['as_user']}.")
        try:
            report = load_units(read_units(options["file"]), acting_user=acting_user)
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}")
        except UnitFileError as exc:
            for e in exc.errors[:20]:
                self.stderr.write(f"  row {e.row} {e.column} {e.value!r}: {e.problem}")
            path = write_error_report(exc.errors, Path(options["errors"]))
            raise CommandError(f"{exc} Error report: {path}")
        self.stdout.write(self.style.SUCCESS(f"Org units: {report}"))
        for code in report.created:
            self.stdout.write(f"  + {code}")
