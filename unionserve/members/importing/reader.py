"""Reading an uploaded template file: CSV or Excel, streamed, every cell as text, headers mapped by name.

- **Format** is told from the file's first bytes, not its name: ``PK`` (XLSX, XLSM, ODS zip) and the OLE2
  signature (XLS) are workbooks. An XLSX or XLSM workbook's first sheet is read from its XML in parts
  (:mod:`.xlsx`), which workers can parse side by side; any other workbook goes to python-calamine. Anything
  else must be text (UTF-8, with or without BOM, or GB18030 as
  Excel on Chinese Windows saves CSV) without NUL bytes, else the file is refused as "not Excel or CSV".
- **Cells** become text: numbers without a fractional part lose their ``.0`` (an ID typed as a number keeps
  its digits only up to 15 significant digits — Excel's limit — and then fails the check digit, as it should),
  Excel date cells become ``YYYY-MM-DD``.
- **Headers** are mapped by name (after trimming spaces), so the column order does not matter; missing,
  unknown, repeated or empty header cells refuse the file with a message naming them and the expected set.
- **Rows** that are entirely empty are skipped; row numbers are those Excel shows (the header is row 1).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from django.utils.translation import gettext as _

from unionserve.core import xlsx
from unionserve.core.xlsx import cell_text
from unionserve.members.template import Column

SNIFF_BYTES = 1 << 16
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class FileRefused(ValueError):
    """The file as a whole cannot be imported (format, headers); the message says why, in the site language."""


@dataclass(frozen=True)
class ByteRange:
    """A run of whole lines of a CSV file, for a worker to read on its own: bytes [start, end)."""

    start: int
    end: int
    #: the row number (as Excel shows it, the header being row 1) of the range's first line
    first_row: int


@dataclass
class Table:
    """An opened file: which raw column holds each template column, and the data rows."""

    format: str  # "csv" or "xlsx"
    headers: list[str]
    #: index in a raw row of each template column, in template order
    positions: list[int]
    #: (row number as Excel shows it, raw cells as text)
    rows: Iterator[tuple[int, list[str]]]
    #: rows in the file (data rows, an upper bound for progress: empty rows are skipped later)
    total_hint: int
    #: number of header cells: a row with text beyond them is an error
    width: int
    #: the file; CSV only: its encoding and where the data rows start (for :meth:`csv_ranges`)
    path: Path | None = None
    encoding: str = ""
    data_start: int = 0
    #: an XLSX workbook read from its XML (for :meth:`xlsx_parts`); None when calamine reads it
    sheet: xlsx.Sheet | None = None

    def xlsx_parts(self) -> Iterator[bytes] | None:
        """The sheet's XML in parts of whole rows, for workers (:func:`read_part`), or None (not such a sheet)."""
        return _refusing(self.sheet.parts()) if self.sheet is not None else None

    def csv_ranges(self, bytes_per_range: int) -> list[ByteRange] | None:
        """The data rows cut at line ends into ranges of about ``bytes_per_range`` bytes, or None.

        None for a workbook, and for a CSV file holding a quote character anywhere: a quoted cell may hold a
        line break, so a line end is not surely a row end (such a file is read in one piece instead).
        Row numbers count lines, which is what the whole-file reader counts when no cell holds a line break.
        """
        if self.format != "csv" or self.path is None:
            return None
        ranges: list[ByteRange] = []
        with open(self.path, "rb") as fh:
            head = fh.read(self.data_start)
            if b'"' in head or not head.endswith(b"\n"):
                return None  # a quote, or lines not ended by LF (old Mac files): read in one piece
            lines_before = head.count(b"\n")  # line ends before the part of the file already scanned
            start, start_row = self.data_start, lines_before + 1
            base = self.data_start  # file offset of `block`
            while block := fh.read(1 << 22):
                if b'"' in block:
                    return None
                pos = 0  # line ends in block[:pos] are counted
                # Cut where the current range has grown past the target, at the next line end.
                while base + len(block) - start > bytes_per_range:
                    cut = block.find(b"\n", max(pos, start + bytes_per_range - base))
                    if cut < 0:
                        break  # the line goes on into the next block
                    lines_before += block.count(b"\n", pos, cut + 1)
                    end = base + cut + 1
                    ranges.append(ByteRange(start, end, start_row))
                    start, start_row, pos = end, lines_before + 1, cut + 1
                lines_before += block.count(b"\n", pos)
                base += len(block)
            end = base
        if end > start:
            ranges.append(ByteRange(start, end, start_row))
        return ranges


def sniff_format(path: Path) -> str:
    """``xlsx`` (any workbook calamine reads) or ``csv``; FileRefused for anything else."""
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    if not head:
        raise FileRefused(_("The file is empty."))
    if head.startswith((_ZIP, _OLE2)):
        return "xlsx"
    if b"\x00" in head or _encoding(head) is None:
        raise FileRefused(_("This file is neither an Excel workbook (.xlsx, .xls) nor a CSV text file. "
                            "Download the template from this page, fill it in and upload it."))
    return "csv"


def _encoding(head: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            # The sniffed block may end inside a character: decode incrementally, without the final flush.
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    return None


def map_headers(headers: Sequence[str], columns: Sequence[Column]) -> list[int]:
    """For each template column, the index of its header in ``headers``; FileRefused naming what is wrong."""
    cleaned = [h.replace("\ufeff", "").strip() for h in headers]
    while cleaned and not cleaned[-1]:
        cleaned.pop()  # Excel often keeps empty cells after the last header
    expected = [c.header for c in columns]
    problems = []
    blank = [str(i + 1) for i, h in enumerate(cleaned) if not h]
    if blank:
        problems.append(_("Column(s) %(numbers)s have no header.") % {"numbers": "、".join(blank)})
    repeated = sorted({h for h in cleaned if h and cleaned.count(h) > 1})
    if repeated:
        problems.append(_("Repeated column(s): %(names)s.") % {"names": "、".join(repeated)})
    missing = [h for h in expected if h not in cleaned]
    if missing:
        problems.append(_("Missing column(s): %(names)s.") % {"names": "、".join(missing)})
    unknown = [h for h in cleaned if h and h not in expected]
    if unknown:
        problems.append(_("Column(s) not in the template: %(names)s.") % {"names": "、".join(unknown)})
    if problems:
        if len(cleaned) != len(expected):
            problems.insert(0, _("The sheet has %(found)d columns where the template has %(expected)d.")
                            % {"found": len(cleaned), "expected": len(expected)})
        problems.append(_("The template's columns are (in any order): %(names)s.") % {"names": "、".join(expected)})
        raise FileRefused(" ".join(problems))
    return [cleaned.index(h) for h in expected]


def _csv_rows(path: Path, encoding: str) -> Iterator[list[str]]:
    with open(path, encoding=encoding, newline="") as fh:
        yield from csv.reader(fh)


def _count_lines(path: Path) -> int:
    count = 0
    with open(path, "rb") as fh:
        while block := fh.read(1 << 22):
            count += block.count(b"\n")
    return count


def _xlsx_rows(path: Path) -> tuple[Iterator[list[str]], int]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise FileRefused(_("The workbook has no sheet."))
        sheet = workbook.get_sheet_by_index(0)
        total = sheet.total_height or sheet.height
        rows = sheet.iter_rows()
    except FileRefused:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    # calamine raises several error types for damaged files, and a Rust panic in it is a BaseException
    # (pyo3's PanicException): either way the file is refused and the job records why.
    except BaseException as exc:
        raise _calamine_refused(exc) from exc

    def cells() -> Iterator[list[str]]:
        # Reading a row can fail too (e.g. a duration out of range), after the first rows were given.
        try:
            for row in rows:
                # Most cells are text: trimmed here without a call per cell (cell_text does the same for them).
                yield [v.strip() if type(v) is str else cell_text(v) for v in row]
        except (KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except BaseException as exc:  # as above
            raise _calamine_refused(exc) from exc

    return cells(), total


def _calamine_refused(exc: BaseException) -> FileRefused:
    return FileRefused(_("The Excel file cannot be read (%(error)s). Save it again as .xlsx and retry.")
                       % {"error": str(exc)[:200]})


def _unreadable(exc: Exception) -> FileRefused:
    """The message for a workbook that cannot be read, with what is wrong in the user's language where known."""
    if isinstance(exc, xlsx.SheetDamaged) and exc.problem == "row_number":
        error = _("a row of the sheet has no row number")
    elif isinstance(exc, xlsx.SheetDamaged) and exc.problem == "shared_string":
        error = _("a cell refers to text number %(index)s, which the workbook does not hold") % {
            "index": exc.value[:20]}
    elif isinstance(exc, xlsx.SheetDamaged) and exc.problem == "row_too_long":
        error = _("a row of the sheet is longer than %(mb)d MB") % {"mb": xlsx.MAX_ITEM_BYTES >> 20}
    elif isinstance(exc, UnicodeDecodeError):
        error = _("the sheet is not stored as UTF-8 text")
    else:
        error = str(exc)[:200]
    return FileRefused(_("The Excel file cannot be read (%(error)s). Save it again as .xlsx and retry.")
                       % {"error": error})


def read_part(part: bytes, fmt: xlsx.SheetFormat, strings: list[str] | xlsx.StringTable,
              width: int) -> list[tuple[int, list[str]]]:
    """The data rows of one part of a sheet's XML (:meth:`Table.xlsx_parts`), cleaned like every file's rows."""
    try:
        rows = xlsx.parse_part(part, fmt, strings)
    except ValueError as exc:  # a damaged part (bad UTF-8, a row without its number, an unknown string)
        raise _unreadable(exc) from exc
    return list(clean_rows(iter(rows), width, strip=False))


def _refusing(parts: Iterator[bytes]) -> Iterator[bytes]:
    try:
        yield from parts
    except ValueError as exc:  # a row too long to be a row
        raise _unreadable(exc) from exc


def _sheet_rows(sheet: xlsx.Sheet) -> Iterator[tuple[int, list[str]]]:
    strings = sheet.strings()
    for part in _refusing(sheet.parts()):
        try:
            yield from xlsx.parse_part(part, sheet.format, strings)
        except ValueError as exc:
            raise _unreadable(exc) from exc


def _open_sheet(path: Path, columns: Sequence[Column]) -> Table | None:
    """The table of an XLSX workbook read from its XML, or None when calamine must read it."""
    try:
        sheet = xlsx.open_sheet(str(path))
    except xlsx.Unsupported:
        return None
    except (OSError, KeyError, ValueError) as exc:
        raise _unreadable(exc) from exc
    numbered = _sheet_rows(sheet)
    try:
        header_row, headers = next((n, row) for n, row in numbered if any(row))
    except StopIteration:
        raise FileRefused(_("The file has no header row: use the template.")) from None
    positions = map_headers(headers, columns)
    width = max(positions) + 1
    sheet.format = replace(sheet.format, first_row=header_row + 1)
    # Without a <dimension>, the count is estimated from the sheet's size and its first part.
    total = max(0, sheet.last_row - header_row) if sheet.last_row else _estimated_rows(path, sheet)
    return Table("xlsx", list(headers), positions, clean_rows(numbered, width, strip=False), total, width,
                 path=path, sheet=sheet)


def _estimated_rows(path: Path, sheet: xlsx.Sheet) -> int:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        size = zf.getinfo(sheet.member).file_size
    first = next(sheet.parts(), b"")
    return len(xlsx.parse_part(first, sheet.format, sheet.strings())) * size // max(1, len(first))


def open_table(path: Path, columns: Sequence[Column]) -> Table:
    """Open ``path`` and check its header row against ``columns`` (the first sheet of a workbook)."""
    fmt = sniff_format(path)
    if fmt == "xlsx" and (table := _open_sheet(path, columns)) is not None:
        return table
    if fmt == "csv":
        with open(path, "rb") as fh:
            encoding = _encoding(fh.read(SNIFF_BYTES)) or "utf-8-sig"
        raw: Iterator[list[str]] = _csv_rows(path, encoding)
        total = max(0, _count_lines(path) - 1)
    else:
        raw, total = _xlsx_rows(path)
        total = max(0, total - 1)
    try:
        headers = next(raw)
    except StopIteration:
        raise FileRefused(_("The file has no header row: use the template.")) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FileRefused(_("The file cannot be read as CSV (%(error)s).") % {"error": str(exc)[:200]}) from exc
    positions = map_headers(headers, columns)
    width = max(positions) + 1
    rows = clean_rows(enumerate(raw, start=2), width, strip=fmt == "csv")
    if fmt != "csv":
        return Table(fmt, list(headers), positions, rows, total, width, path=path)
    with open(path, "rb") as fh:
        data_start = len(fh.readline())
    return Table(fmt, list(headers), positions, rows, total, width, path=path, encoding=encoding,
                 data_start=data_start)


def clean_rows(numbered: Iterator[tuple[int, list[str]]], width: int, *, strip: bool) -> Iterator[
        tuple[int, list[str]]]:
    """Rows as the validators take them: cells trimmed (CSV), empty rows skipped, short rows padded."""
    for number, row in numbered:
        if strip:
            row = [c.strip() for c in row]
        if not any(row):
            continue
        if len(row) < width:
            row = row + [""] * (width - len(row))
        yield number, row


#: Whitespace other than LF: a cell might be trimmed of it, or it is a CR that does not end a line (``\s`` and
#: str.strip share one notion of whitespace). Where any occurs, or a quote or NUL, ``csv.reader`` reads the range.
_TRIMMABLE = re.compile(r"[^\S\n]")


def read_range(path: Path, encoding: str, part: ByteRange, width: int) -> list[tuple[int, list[str]]]:
    """The rows of one range of a CSV file (see :meth:`Table.csv_ranges`), cleaned like the whole file's.

    A range holds no quote character (else the file is not cut into ranges); without whitespace other than
    line ends either, a row is its line split at commas — exactly what ``csv.reader`` and trimming give for it,
    at half the cost. Otherwise the range goes through ``csv.reader`` and :func:`clean_rows` like the whole file.
    """
    with open(path, "rb") as fh:
        fh.seek(part.start)
        data = fh.read(part.end - part.start)
    # Only the file's first bytes may hold a byte-order mark, and a range never starts there.
    text = data.decode("utf-8" if encoding == "utf-8-sig" else encoding)
    # CRLF, as Excel writes CSV, ends a line like LF; any other CR sends the range to csv.reader.
    body = text.replace("\r\n", "\n") if "\r" in text else text
    lines = body.split("\n")
    if lines[-1] == "":
        lines.pop()  # the range ends with a line end
    if ('"' in body or "\x00" in body or _TRIMMABLE.search(body)
            or max(map(len, lines), default=0) > csv.field_size_limit()):
        return list(clean_rows(enumerate(csv.reader(io.StringIO(text, newline="")), start=part.first_row), width,
                               strip=True))
    out = []
    for number, line in enumerate(lines, start=part.first_row):
        row = line.split(",")
        if len(row) < width:
            if not any(row):
                continue
            row += [""] * (width - len(row))
        elif not line.strip(","):
            continue  # a line of empty cells, like an empty line, is not a row
        out.append((number, row))
    return out


def rows_numbered(path: Path, columns: Sequence[Column], wanted: set[int]) -> dict[int, list[str]]:
    """The raw rows (template order) with these row numbers, read again from the file (rare: duplicates)."""
    table = open_table(path, columns)
    found: dict[int, list[str]] = {}
    last = max(wanted, default=0)
    for number, row in table.rows:
        if number in wanted:
            found[number] = [row[p] for p in table.positions]
        if number >= last:
            break
    return found
