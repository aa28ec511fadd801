"""A page's filtered list as an Excel file: the shared writer behind every list's "Export Excel" button.

The view builds the same scoped, filtered queryset it pages through and hands this module the rows, so the file
holds exactly what the page lists, never more. Files are bounded (`MAX_ROWS`): a longer list is cut and the
last row says so, asking for a narrower filter. Written by xlsxwriter in constant-memory mode to a temporary
file handed to a FileResponse (as the register's export does, members/export.py).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter
from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The most rows one list export holds.
MAX_ROWS = 10_000
#: The query parameter that asks a list page for its Excel file.
FORMAT_PARAM = "format"


def wants_xlsx(request: HttpRequest) -> bool:
    """The request asks the list page for its Excel file (`?format=xlsx`)."""
    return request.GET.get(FORMAT_PARAM) == "xlsx"


def _cell(value: Any) -> Any:
    """A value xlsxwriter writes as people read it: local times, text for labels and None as empty."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float | str):
        return value
    return str(value)


def xlsx_response(*, filename: str, title: str, headers: Sequence[Any], rows: Iterable[Sequence[Any]],
                  limit: int | None = None) -> FileResponse:
    """An .xlsx download of `rows` under `headers`, at most `limit` rows (default MAX_ROWS; a note row says when cut).

    `rows` may be a generator over a queryset's `.iterator()`; pass a queryset sliced to `limit + 1` so the
    database stops there too.
    """
    limit = MAX_ROWS if limit is None else limit
    handle, path = tempfile.mkstemp(prefix="unionserve-list-", suffix=".xlsx")
    os.close(handle)
    try:
        workbook = xlsxwriter.Workbook(path, {"constant_memory": True})
        bold = workbook.add_format({"bold": True})
        sheet = workbook.add_worksheet(str(title)[:31])
        sheet.write_row(0, 0, [str(h) for h in headers], bold)
        for written, row in enumerate(rows):
            if written == limit:
                sheet.write(written + 1, 0, _("Only the first %(limit)d rows are exported: narrow the filter to "
                                              "get the rest.") % {"limit": limit}, bold)
                break
            sheet.write_row(written + 1, 0, [_cell(v) for v in row])
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, len(headers) - 1, 16)
        workbook.close()
        data = open(path, "rb")  # noqa: SIM115 - closed by FileResponse
    finally:
        os.unlink(path)  # an open handle keeps the data until the response is sent
    stamp = timezone.localdate().strftime("%Y%m%d")
    return FileResponse(data, as_attachment=True, filename=f"{filename}-{stamp}.xlsx", content_type=XLSX)


def export_link(request: HttpRequest) -> str:
    """The current page's query string with `format=xlsx` (and without `page`), for the export button."""
    query = request.GET.copy()
    query.pop("page", None)
    query[FORMAT_PARAM] = "xlsx"
    return "?" + query.urlencode()
