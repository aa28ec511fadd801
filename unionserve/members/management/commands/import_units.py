"""``manage.py import_units FILE --as USERNAME [--mode valid_rows]``: employers from the unit template."""

from __future__ import annotations

from unionserve.members.models import ImportKind

from .import_members import Command as MembersCommand


class Command(MembersCommand):
    help = "Import employers (units) from the official unit template (CSV or XLSX), as a given user."
    kind = ImportKind.UNITS
