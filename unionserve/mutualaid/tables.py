"""Reading the files mutual aid takes (a unit's enrolment list, the center's expense file): CSV or XLSX.

XLSX goes through ``core.xlsx`` (the register's streamed reader; calamine for the workbooks it does not read),
CSV is UTF-8 (with or without BOM) or GB18030 as Excel in China saves it. Every cell comes back as trimmed
text; the callers validate.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from django.utils.translation import gettext as _

from unionserve.core import xlsx

#: The largest file either import takes (the 1M-line expense file as CSV is about 90 MB).
MAX_BYTES = 300 * 1024 * 1024


class FileRefused(ValueError):
    """The file cannot be read at all; the message is in the user's language."""


def _csv_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused(_("The file is neither UTF-8 nor GB18030 text."))


def _xlsx_rows(path: str) -> Iterator[tuple[int, list[str]]]:
    try:
        sheet = xlsx.open_sheet(path)
    except xlsx.Unsupported:
        yield from _calamine_rows(path)
        return
    strings = sheet.strings()
    fmt = sheet.format
    try:
        for part in sheet.parts():
            yield from xlsx.parse_part(part, fmt, strings)
    except ValueError as exc:
        raise FileRefused(_("Part of the workbook cannot be read (%(problem)s).") % {"problem": exc}) from exc


def _calamine_rows(path: str) -> Iterator[tuple[int, list[str]]]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(path)
        sheet = book.get_sheet_by_index(0)
        for number, row in enumerate(sheet.to_python(), start=1):
            yield number, [xlsx.cell_text(v) for v in row]
    except Exception as exc:  # calamine raises its own errors for every kind of damage
        raise FileRefused(_("The workbook cannot be read.")) from exc


def read_rows(path: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of the file's first sheet or its CSV lines, header included, cells trimmed."""
    if name.lower().endswith(".xlsx"):
        for number, row in _xlsx_rows(path):
            yield number, [c.strip() for c in row]
        return
    if not name.lower().endswith((".csv", ".txt")):
        raise FileRefused(_("Send the file as .xlsx or .csv."))
    with open(path, "rb") as fh:
        text = _csv_text(fh.read())
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        yield number, [c.strip() for c in row]


def header_map(header: Sequence[str], columns: Sequence[tuple[str, str]]) -> dict[str, int]:
    """Column name → index for the header row; FileRefused naming the missing headers."""
    index = {h.strip(): i for i, h in enumerate(header)}
    missing = [title for _key, title in columns if title not in index]
    if missing:
        raise FileRefused(_("Missing columns: %(names)s.") % {"names": "、".join(missing)})
    return {key: index[title] for key, title in columns}
