"""The statistics to Excel: one sheet per table, the period and the scope on the first rows."""

from __future__ import annotations

import io
from decimal import Decimal

import xlsxwriter
from django.http import HttpResponse
from django.utils.translation import gettext as _

from .stats import Period, Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(tables: list[Table], period: Period, unit_name: str) -> bytes:
    """The tables as an XLSX file (small: a few aggregated rows per table, built in memory)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    used: set[str] = set()
    for table in tables:
        name = table.title[:31]
        for ch in "[]:*?/\\":
            name = name.replace(ch, " ")
        while name in used:
            name = name[:29] + f"{len(used):02d}"
        used.add(name)
        sheet = book.add_worksheet(name)
        sheet.write_string(0, 0, table.title, bold)
        sheet.write_string(1, 0, _("%(unit)s, %(start)s to %(end)s") % {
            "unit": unit_name, "start": period.start.isoformat(), "end": period.end.isoformat()})
        if table.note:
            sheet.write_string(2, 0, table.note)
        for col, header in enumerate(table.columns):
            sheet.write_string(4, col, str(header), bold)
            sheet.set_column(col, col, 18)
        if not table.available:
            sheet.write_string(5, 0, _("Not available: the module is not installed."))
            continue
        for r, row in enumerate(table.rows, start=5):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, Decimal):
                    sheet.write_number(r, c, float(value), money)
                elif isinstance(value, int) and not isinstance(value, bool):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
    book.close()
    return out.getvalue()


def response(tables: list[Table], period: Period, unit_name: str) -> HttpResponse:
    resp = HttpResponse(workbook(tables, period, unit_name), content_type=XLSX)
    resp["Content-Disposition"] = (f'attachment; filename="legal-statistics-{period.start:%Y%m%d}-'
                                   f'{period.end:%Y%m%d}.xlsx"')
    return resp
