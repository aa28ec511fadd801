"""``manage.py setup_federation (--beijing | --units FILE) [--admin NAME | --no-admin]``: first run of a federation.

Loads the org tree (Beijing's from the shipped divisions file, or another city's from the units template),
then runs every app's setup hook (the working-day calendar, the default policy versions, …), then creates the
first administrator at the city center and prints its one-time password once. Idempotent: run it again and
it adds only what is missing. It loads no demo data; ``manage.py seed_demo`` adds the demo layer on top.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from unionserve.accounts.setup import create_first_admin, new_one_time_password
from unionserve.orgs.setup import UnitFileError, beijing_units, city_center, load_units, read_units, write_error_report


def setup_hooks() -> list[tuple[str, Callable[[], object]]]:
    """Each installed app's ``<app>/setup.py`` ``setup()`` function, in INSTALLED_APPS order (lower layers first).

    This is the one place where apps give a new installation its defaults: the working-day calendar
    (``workcalendar/setup.py``) and the default policy versions (``policy/setup.py``) plug in here by
    defining ``setup()``, which must be idempotent and return a line saying what it did.
    """
    hooks = []
    for config in apps.get_app_configs():
        if not config.name.startswith("unionserve.") or not module_has_submodule(config.module, "setup"):
            continue
        hook = getattr(import_module(f"{config.name}.setup"), "setup", None)
        if callable(hook):
            hooks.append((config.label, hook))
    return hooks


class Command(BaseCommand):
    help = ("First run of a federation: its org tree (Beijing's, or a units file), the calendar and the default "
            "settings of every app, and the first administrator with a one-time password. Safe to run again.")

    def add_arguments(self, parser) -> None:
        tree = parser.add_mutually_exclusive_group()
        tree.add_argument("--beijing", action="store_true",
                          help="Load Beijing's tree (16 districts, the Development Area, 349 stations, 8 industry "
                          "unions).")
        tree.add_argument("--units", metavar="FILE",
                          help="Load the tree from the units template (XLSX, XLS, ODS or CSV; see import_org_units).")
        parser.add_argument("--admin", default="admin", help="User name of the first administrator (default admin).")
        parser.add_argument("--no-admin", action="store_true", help="Create no administrator (the demo makes its own).")
        parser.add_argument("--new-password", action="store_true",
                            help="Give the existing administrator a new one-time password (the first one was lost).")
        parser.add_argument("--errors", metavar="FILE", default="units-errors.xlsx",
                            help="Where to write the error report when the units file has problems.")

    def handle(self, *args, **options) -> None:
        if options["beijing"]:
            rows = beijing_units()
        elif options["units"]:
            try:
                rows = read_units(options["units"])
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read {options['units']}: {exc}")
            except UnitFileError as exc:
                self._fail(exc, options["errors"])
        elif city_center() is None:
            raise CommandError("The tree is empty: give --beijing or --units FILE (manage.py import_org_units "
                               "--template units.xlsx writes the template).")
        else:
            rows = []
        with transaction.atomic():
            if rows:
                try:
                    report = load_units(rows)
                except UnitFileError as exc:
                    self._fail(exc, options["errors"])
                self.stdout.write(f"org tree: {report}")
            for label, hook in setup_hooks():
                self.stdout.write(str(hook() or f"{label}: done"))
            first = None if options["no_admin"] else create_first_admin(city_center(), username=options["admin"])
            if first is not None and first.password is None and options["new_password"]:
                first = new_one_time_password(first.user.username)
        if first is None:
            return
        if first.password:
            self.stdout.write(self.style.SUCCESS(
                f"Administrator {first.user.username} at {first.user.org_unit}; one-time password "
                f"(shown this once, to be changed at first login): {first.password}"))
        else:
            self.stdout.write(f"Administrator {first.user.username} already exists; its password is not shown again "
                              f"(a new one-time password: manage.py setup_federation --new-password).")

    def _fail(self, exc: UnitFileError, errors_path: str) -> None:
        for e in exc.errors[:20]:
            self.stderr.write(f"  row {e.row} {e.column} {e.value!r}: {e.problem}")
        if len(exc.errors) > 20:
            self.stderr.write(f"  … {len(exc.errors) - 20} more")
        report = write_error_report(exc.errors, Path(errors_path))
        raise CommandError(f"{exc} Error report: {report}")
