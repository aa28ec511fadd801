"""Members and employers to Excel (XLSX), scoped, streamed, masked unless asked and allowed.

Rows are read with ``.iterator(chunk_size=5000)`` as tuples and written by xlsxwriter in constant-memory mode to
a temporary file, which is handed to a FileResponse (and unlinked at once: the open handle keeps it readable),
so a city-wide export of millions of members never sits in memory. A file with unmasked personal data needs
EXPORT_MEMBERS and VIEW_PII and an explicit choice, and is recorded as PERSONAL_DATA_EXPORTED with the filter
and the row count. Masked files leave out the hardship and single-parent columns too (sensitive under PIPL).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core import roles
from unionserve.pii import decrypt_unchecked, mask_phone

from .models import Employer, Gender, Member, MemberStatus
from .search import EmployerFilter, MemberFilter, audit_safe

CHUNK = 5000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Column = tuple[str, str, Callable[[Any], Any] | None]  # (header, values_list field, converter)


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _member_columns(unmasked: bool) -> list[Column]:
    genders = dict(Gender.choices)
    statuses = dict(MemberStatus.choices)
    columns: list[Column] = [
        (_("Name"), "name", None),
        (_("ID number"), "id_encrypted", decrypt_unchecked) if unmasked else (_("ID number"), "id_masked", None),
        (_("Gender"), "gender", lambda v: str(genders.get(v, v))),
        (_("Date of birth"), "birth_date", None),
        (_("Mobile"), "phone_encrypted", decrypt_unchecked) if unmasked
        else (_("Mobile"), "phone_masked", None),
        (_("Grassroots union"), "grassroots__name", None),
        (_("Union code"), "grassroots__code", None),
        (_("Employer"), "employer__name", None),
        (_("Unified Social Credit Code"), "employer__uscc", None),
        (_("Joined the union"), "joined_on", None),
        (_("Employment status"), "employment", None),
        (_("Education"), "education", None),
        (_("Skill certificate"), "skill_certificate", None),
        (_("Honour"), "honour", None),
        (_("Card number"), "card_number", None),
        (_("Status"), "status", lambda v: str(statuses.get(v, v))),
    ]
    if unmasked:
        columns += [(_("Hardship worker"), "hardship", _yes_no),
                    (_("Single-parent female worker"), "single_mother", _yes_no)]
    return columns


def _employer_columns(unmasked: bool) -> list[Column]:
    return [
        (_("Name"), "name", None),
        (_("Unified Social Credit Code"), "uscc", None),
        (_("Address"), "address", None),
        (_("Station"), "station__name", None),
        (_("Industry or company union"), "industry_union__name", None),
        (_("Has a union"), "has_union", _yes_no),
        (_("Grassroots union"), "grassroots__name", None),
        (_("Members reported"), "reported_members", None),
        (_("Contact"), "contact_name", None),
        (_("Contact phone"), "contact_phone", None if unmasked else mask_phone),
    ]


def _write(path: str, sheet_name: str, columns: list[Column], rows: Iterator[tuple]) -> int:
    """Write a header and the rows to an XLSX file; returns the number of data rows."""
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "default_date_format": "yyyy-mm-dd",
                                         "strings_to_numbers": False, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(sheet_name)
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for col, (header, _field, _conv) in enumerate(columns):
        sheet.write_string(0, col, str(header), bold)
        sheet.set_column(col, col, 14)
    converters = [conv for _h, _f, conv in columns]
    n = 0
    for n, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            conv = converters[col]
            if conv is not None:
                value = conv(value)
            if value is None or value == "":
                continue
            if hasattr(value, "isoformat"):
                sheet.write_datetime(n, col, value, date_format)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(n, col, value)
            else:
                # Text, never a formula (a name starting with "=" stays text).
                sheet.write_string(n, col, str(value))
    sheet.freeze_panes(1, 0)
    workbook.close()
    return n


def _temp_path() -> str:
    handle, path = tempfile.mkstemp(prefix="unionserve-export-", suffix=".xlsx")
    os.close(handle)
    return path


def _response(path: str, filename: str) -> FileResponse:
    handle = open(path, "rb")  # noqa: SIM115 - closed by FileResponse
    os.unlink(path)  # the open handle keeps the data until the response is sent
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


def export_members(user, flt: MemberFilter, *, unmasked: bool = False, request=None) -> FileResponse:
    """An XLSX of the members in the user's scope matching `flt`; unmasked only for VIEW_PII, audited."""
    if not user.has_perm(roles.EXPORT_MEMBERS):
        raise PermissionDenied(_("Your roles do not include exporting members."))
    if unmasked and not user.has_perm(roles.VIEW_PII):
        raise PermissionDenied(_("You may not export personal data in full."))
    columns = _member_columns(unmasked)
    qs = flt.apply(user, Member.objects.all()).order_by("grassroots_id", "pk")
    rows = qs.values_list(*(field for _h, field, _c in columns)).iterator(chunk_size=CHUNK)
    path = _temp_path()
    try:
        count = _write(path, str(_("Members")), columns, rows)
    except BaseException:
        os.unlink(path)
        raise
    if unmasked:
        with transaction.atomic():
            record(AuditAction.PERSONAL_DATA_EXPORTED, actor=user, request=request,
                   unit=getattr(user, "org_unit", None),
                   detail={"kind": "members", "filter": audit_safe(flt), "rows": count})
    return _response(path, f"members-{timezone.localdate():%Y%m%d}.xlsx")


def export_employers(user, flt: EmployerFilter, *, request=None) -> FileResponse:
    """An XLSX of the employers in the user's scope (contact phones masked unless the user holds VIEW_PII)."""
    if not user.has_perm(roles.EXPORT_MEMBERS):
        raise PermissionDenied(_("Your roles do not include exporting members."))
    columns = _employer_columns(user.has_perm(roles.VIEW_PII))
    qs = flt.apply(user, Employer.objects.all()).order_by("station_id", "pk")
    rows = qs.values_list(*(field for _h, field, _c in columns)).iterator(chunk_size=CHUNK)
    path = _temp_path()
    try:
        _write(path, str(_("Employers")), columns, rows)
    except BaseException:
        os.unlink(path)
        raise
    return _response(path, f"employers-{timezone.localdate():%Y%m%d}.xlsx")
