"""Reading an XLSX sheet from its XML, streamed and cut at row ends, so that workers parse the parts side by side.

Why not calamine for these files: python-calamine builds the whole sheet in memory before it gives the first
row (24 s and ~2 GB for a full sheet of the template), and only one core can do that. Here the importing
process only inflates the sheet's XML and cuts it into parts of whole ``<row>`` elements; the workers turn each
part into rows (:func:`parse_part`) and validate them, so reading and validating overlap on both cores and
memory stays flat. Decision 0009 ("Third round") gives the figures.

The cells read the same as calamine reads them (the import's tests compare both on the same workbooks):
shared and inline strings (rich text runs joined, phonetic runs left out, XML entities and ``_xHHHH_``
escapes decoded), numbers, booleans, formulas' cached values, error values (empty, as calamine gives them), and
numbers whose style is a date, time or duration format (1900 and 1904 date systems, the built-in formats of a
Chinese Excel such as ``yyyy"年"m"月"d"日"`` included).

:func:`open_sheet` raises :class:`Unsupported` for any workbook it does not read (XLS, XLSB, ODS, a sheet
XML with a namespace prefix or another encoding, rows without their number): calamine reads those instead.
"""

from __future__ import annotations

import codecs
import datetime as dt
import html
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

PART_BYTES = 1 << 22  # ~4 MB of sheet XML per part: ~10,000 rows of the member template
_READ_BYTES = 1 << 20

_MAIN_NS = (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            b"http://purl.oclc.org/ooxml/spreadsheetml/main")
_OFFICE_DOC_REL = "/officeDocument"
_WORKSHEET_REL = "/worksheet"
_STRINGS_REL = "/sharedStrings"
_STYLES_REL = "/styles"

#: Built-in number formats (ECMA-376 §18.8.30) that show a date or time; 46 is a duration ([h]:mm:ss).
#: 27–36 and 50–58 are the CJK date formats (yyyy"年"m"月"d"日" and the like) that a Chinese Excel writes.
_BUILTIN_DATES = frozenset([*range(14, 23), 45, 47, *range(27, 37), *range(50, 59)])
_BUILTIN_DURATIONS = frozenset([46])

_EPOCH_1900 = dt.datetime(1899, 12, 31)
_EPOCH_1900_AFTER_LEAP = dt.datetime(1899, 12, 30)  # from serial 60 on: Excel counts a 29 Feb 1900
_EPOCH_1904 = dt.datetime(1904, 1, 1)
_MS_PER_DAY = 86_400_000


class Unsupported(Exception):  # noqa: N818 - reads as "raise Unsupported"
    """The workbook is not one this reader reads; calamine reads it instead."""


@dataclass(frozen=True)
class SheetFormat:
    """What a process needs to turn parts of one sheet into rows (small: it is sent with every part)."""

    path: str
    strings: str | None  # the shared strings' zip member, if any
    #: style indexes (a cell's ``s``) whose number format is a date/time, and those that are a duration
    dates: frozenset[int] = frozenset()
    durations: frozenset[int] = frozenset()
    date1904: bool = False
    #: rows before this number (the header and anything above it) are not data rows
    first_row: int = 1


@dataclass
class Sheet:
    """The first sheet of an XLSX workbook, opened: its format and where its XML is."""

    format: SheetFormat
    member: str
    #: the last row number the sheet says it uses (``<dimension>``), 0 if it does not say
    last_row: int = 0
    _strings: list[str] | None = field(default=None, repr=False)

    def parts(self, part_bytes: int | None = None) -> Iterator[bytes]:
        """The sheet's rows as parts of about ``part_bytes`` (``PART_BYTES``) bytes of XML, each a run of whole
        ``<row>`` elements, in file order."""
        part_bytes = part_bytes or PART_BYTES
        with zipfile.ZipFile(self.format.path) as zf, zf.open(self.member) as fh:
            buffer = b""
            started = done = False
            while not done:
                block = fh.read(_READ_BYTES)
                done = not block
                buffer += block
                if not started:
                    begin = _sheet_data_start(buffer)
                    if begin < 0:
                        buffer = buffer[-64:]  # the tag may straddle two blocks
                        continue
                    buffer, started = buffer[begin:], True
                end = buffer.find(b"</sheetData>")
                if end >= 0:
                    buffer, done = buffer[:end], True
                # Cut at the first row end past part_bytes, as often as the buffer allows.
                start = 0
                while len(buffer) - start > part_bytes:
                    cut = buffer.find(b"</row>", start + part_bytes - len(b"</row>"))
                    if cut < 0:
                        break
                    cut += len(b"</row>")
                    yield buffer[start:cut]
                    start = cut
                buffer = buffer[start:]
            if buffer.strip():
                yield buffer

    def strings(self) -> list[str]:
        """The shared strings (loaded once per process)."""
        if self._strings is None:
            self._strings = load_strings(self.format)
        return self._strings


_SHEET_DATA = re.compile(rb"<sheetData\s*(/?)>")


def _sheet_data_start(buffer: bytes) -> int:
    match = _SHEET_DATA.search(buffer)
    if match is None:
        return -1
    return len(buffer) if match.group(1) else match.end()  # <sheetData/>: no rows


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, target path in the zip) for ``part``."""
    path = PurePosixPath(part)
    name = str(path.parent / "_rels" / (path.name + ".rels"))
    try:
        text = zf.read(name).decode("utf-8")
    except KeyError:
        return {}
    out = {}
    for attrs in re.findall(r"<Relationship\b([^>]*)>", text):
        values = dict(re.findall(r'(\w+)="([^"]*)"', attrs))
        target = html.unescape(values.get("Target", ""))
        if values.get("TargetMode") == "External" or not target:
            continue
        resolved = target.lstrip("/") if target.startswith("/") else _normalize(path.parent / target)
        out[values.get("Id", "")] = (values.get("Type", ""), resolved)
    return out


def _normalize(path: PurePosixPath) -> str:
    parts: list[str] = []
    for piece in path.parts:
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in (".", ""):
            parts.append(piece)
    return "/".join(parts)


def _xml_text(zf: zipfile.ZipFile, name: str) -> str:
    data = zf.read(name)
    _check_encoding(data)
    return data.decode("utf-8-sig")


def _check_encoding(head: bytes) -> None:
    declared = re.match(rb'\s*<\?xml[^>]*encoding=["\']([\w-]+)', head.lstrip(b"\xef\xbb\xbf"))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (declared and declared.group(1).lower() != b"utf-8"):
        raise Unsupported("not UTF-8")


def open_sheet(path: str) -> Sheet:
    """The workbook's first sheet (in the workbook's order), or :class:`Unsupported`."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise Unsupported(str(exc)) from exc
    with zf:
        root = _rels(zf, "")
        workbook = next((target for kind, target in root.values() if kind.endswith(_OFFICE_DOC_REL)), None)
        if workbook is None or not workbook.endswith(".xml") or workbook not in zf.NameToInfo:
            raise Unsupported("no workbook XML")  # XLSB, ODS, or not a workbook at all
        book = _xml_text(zf, workbook)
        if not any(ns.decode() in book for ns in _MAIN_NS):
            raise Unsupported("unknown namespace")
        sheet_tag = re.search(r"<sheet\b([^>]*)>", book)
        if sheet_tag is None:
            raise Unsupported("no sheet")
        rel_id = re.search(r'\br:id="([^"]*)"|\b\w+:id="([^"]*)"', sheet_tag.group(1))
        rels = _rels(zf, workbook)
        sheet = rels.get(next(g for g in rel_id.groups() if g), ("", ""))[1] if rel_id else ""
        if sheet not in zf.NameToInfo:
            raise Unsupported("sheet not found")
        pr = re.search(r"<workbookPr\b([^>]*)>", book)
        date1904 = bool(pr and re.search(r'\bdate1904="(1|true)"', pr.group(1)))
        strings = next((t for kind, t in rels.values() if kind.endswith(_STRINGS_REL) and t in zf.NameToInfo), None)
        styles = next((t for kind, t in rels.values() if kind.endswith(_STYLES_REL) and t in zf.NameToInfo), None)
        dates, durations = _date_styles(_xml_text(zf, styles)) if styles else (frozenset(), frozenset())
        with zf.open(sheet) as fh:
            head = fh.read(1 << 16)
        _check_encoding(head)
        if not any(ns in head for ns in _MAIN_NS) or re.search(rb"<\w+:sheetData\b|<\w+:worksheet\b", head):
            raise Unsupported("sheet XML with a namespace prefix")
        dimension = re.search(rb'<dimension\s+ref="[A-Z]*\d+(?::[A-Z]*(\d+))?"', head)
        last_row = int(dimension.group(1) or 0) if dimension else 0
    fmt = SheetFormat(path=str(path), strings=strings, dates=dates, durations=durations, date1904=date1904)
    return Sheet(format=fmt, member=sheet, last_row=last_row)


def _date_styles(styles: str) -> tuple[frozenset[int], frozenset[int]]:
    custom = {int(i): html.unescape(code) for i, code in
              re.findall(r'<numFmt\b[^>]*?numFmtId="(\d+)"[^>]*?formatCode="([^"]*)"', styles)}
    custom.update({int(i): html.unescape(code) for code, i in
                   re.findall(r'<numFmt\b[^>]*?formatCode="([^"]*)"[^>]*?numFmtId="(\d+)"', styles)})
    xfs = re.search(r"<cellXfs\b[^>]*>(.*?)</cellXfs>", styles, re.S)
    dates, durations = set(), set()
    for index, attrs in enumerate(re.findall(r"<xf\b([^>]*)>", xfs.group(1) if xfs else "")):
        found = re.search(r'\bnumFmtId="(\d+)"', attrs)
        fmt_id = int(found.group(1)) if found else 0
        kind = number_format_kind(custom[fmt_id]) if fmt_id in custom else (
            "date" if fmt_id in _BUILTIN_DATES else "duration" if fmt_id in _BUILTIN_DURATIONS else "")
        if kind == "date":
            dates.add(index)
        elif kind == "duration":
            durations.add(index)
    return frozenset(dates), frozenset(durations)


def number_format_kind(code: str) -> str:
    """``date`` (a date or time), ``duration`` (``[h]:mm`` and the like) or ``""`` for a number format code.

    Only the first section counts; quoted text, escaped characters (``\\x``, ``_x``, ``*x``) and bracketed
    parts (colours, conditions, locales) are not tokens, except ``[h]``, ``[m]``, ``[s]``, which make a duration.
    """
    i, n = 0, len(code)
    while i < n:
        ch = code[i]
        if ch in "\\_*":
            i += 2
            continue
        if ch == '"':
            end = code.find('"', i + 1)
            i = n if end < 0 else end + 1
            continue
        if ch == ";":
            return ""
        if ch == "[":
            end = code.find("]", i + 1)
            inner = code[i + 1:n if end < 0 else end].lower()
            if inner and len(set(inner)) == 1 and inner[0] in "hms":
                return "duration"
            i = n if end < 0 else end + 1
            continue
        if ch in "dmyhsDMYHS":
            return "date"
        if code.startswith(("AM/PM", "am/pm", "A/P", "a/p"), i):
            return "date"
        i += 1
    return ""


# ---------------------------------------------------------------------------------------------------------
# Strings

_SI = re.compile(r"<si>(.*?)</si>|<si/>", re.S)
_T = re.compile(r"<t\b[^>]*?(?:/>|>(.*?)</t>)", re.S)
_PHONETIC = re.compile(r"<rPh\b.*?</rPh>", re.S)
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _text(xml: str) -> str:
    """The text of a string item (``<si>``, ``<is>``): its ``<t>`` runs joined, phonetic runs left out."""
    if xml.startswith("<t>") and xml.endswith("</t>") and xml.count("<t") == 1:
        text = xml[3:-4]
    else:
        if "<rPh" in xml:
            xml = _PHONETIC.sub("", xml)
        text = "".join(t or "" for t in _T.findall(xml))
    return _unescape(text)


def _unescape(text: str) -> str:
    if "&" in text:
        text = html.unescape(text)
    if "_x" in text:
        text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def load_strings(fmt: SheetFormat) -> list[str]:
    """The workbook's shared string table, read in blocks."""
    if not fmt.strings:
        return []
    out: list[str] = []
    with zipfile.ZipFile(fmt.path) as zf, zf.open(fmt.strings) as fh:
        buffer = ""
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        while True:
            block = fh.read(_READ_BYTES)
            buffer += decoder.decode(block, final=not block)
            cut = buffer.rfind("</si>")
            last = max(cut + 5 if cut >= 0 else 0, buffer.rfind("<si/>") + 5 if "<si/>" in buffer else 0)
            if not block:
                last = len(buffer)
            if last:
                out.extend(_text(m.group(1)) if m.group(1) is not None else "" for m in _SI.finditer(buffer, 0, last))
                buffer = buffer[last:]
            if not block:
                break
    return out


# ---------------------------------------------------------------------------------------------------------
# Cells

_PIECE = re.compile(
    r'<row\b([^>]*)>'  # 1: a row's attributes (a self-closing row keeps its "/")
    r'|<c\b(?: r="([A-Z]{1,3})\d+")?([^>]*?)(?:/>|>(.*?)</c>)',  # 2: column letters, 3: other attributes, 4: body
    re.S)
_ROW_NUMBER = re.compile(r'\br="(\d+)"')
_CELL_REF = re.compile(r'\br="([A-Z]{1,3})\d+"')
_TYPE = re.compile(r'\bt="(\w+)"')
_STYLE = re.compile(r'\bs="(\d+)"')
_VALUE = re.compile(r"<v>(.*?)</v>", re.S)
_INLINE = re.compile(r"<is>(.*?)</is>", re.S)
_FORMULA = re.compile(r"<f\b[^>]*?(?:/>|>.*?</f>)", re.S)



def column_index(letters: str) -> int:
    """``A`` → 0, ``Z`` → 25, ``AA`` → 26."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def cell_text(value: object) -> str:
    """A cell's value as the validators take it: text, trimmed (see reader's module doc)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def serial_value(serial: float, *, date1904: bool, duration: bool) -> object:
    """An Excel serial number under a date/time format: a date, datetime, time or timedelta."""
    ms = round(serial * _MS_PER_DAY)
    if duration:
        return dt.timedelta(milliseconds=ms)
    epoch = _EPOCH_1904 if date1904 else _EPOCH_1900 if serial < 60 else _EPOCH_1900_AFTER_LEAP
    if serial < 1:  # a time of day (before the epoch too: its time part)
        return (dt.datetime.min + dt.timedelta(milliseconds=ms % _MS_PER_DAY)).time()
    moment = epoch + dt.timedelta(milliseconds=ms)
    return moment.date() if moment.time() == dt.time() else moment


class _Cells:
    """Turns cells into text for one sheet: caches what repeats (attribute strings, column letters)."""

    def __init__(self, fmt: SheetFormat, strings: list[str]) -> None:
        self.fmt = fmt
        self.strings = strings
        self.attrs: dict[str, tuple[str, int]] = {}
        self.columns: dict[str, int] = {}

    def kind(self, attrs: str) -> tuple[str, int]:
        found = self.attrs.get(attrs)
        if found is None:
            t = _TYPE.search(attrs)
            s = _STYLE.search(attrs)
            found = self.attrs[attrs] = (t.group(1) if t else "n", int(s.group(1)) if s else 0)
        return found

    def column(self, letters: str) -> int:
        index = self.columns.get(letters)
        if index is None:
            index = self.columns[letters] = column_index(letters)
        return index

    def text(self, kind: str, style: int, body: str | None) -> str:
        if not body:
            return ""
        if kind == "inlineStr":
            if body.startswith("<is><t>") and body.endswith("</t></is>") and body.count("<t") == 1:
                return _unescape(body[7:-9]).strip()
            inline = _INLINE.search(body)
            return _text(inline.group(1)).strip() if inline else ""
        if body.startswith("<v>") and body.endswith("</v>"):
            raw = body[3:-4]
        else:
            if "<f" in body:
                body = _FORMULA.sub("", body)
            value = _VALUE.search(body)
            if value is None:
                inline = _INLINE.search(body)
                return _text(inline.group(1)).strip() if inline else ""
            raw = value.group(1)
        if kind == "s":
            try:
                return self.strings[int(raw)].strip()
            except (ValueError, IndexError):
                raise ValueError(f"shared string {raw!r} not in the workbook") from None
        if kind == "str":
            return _unescape(raw).strip()
        if kind == "e":
            return ""
        if kind == "b":
            return cell_text(raw.strip() in ("1", "true"))
        if kind == "d":
            return _iso_text(raw.strip())
        raw = raw.strip()
        if not raw:
            return ""
        number = float(raw)
        if (style in self.fmt.dates or style in self.fmt.durations) and math.isfinite(number):
            return cell_text(serial_value(number, date1904=self.fmt.date1904,
                                          duration=style in self.fmt.durations))
        return cell_text(number)


def _iso_text(raw: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(raw.rstrip("Z"))
    except ValueError:
        return raw
    return cell_text(moment)


def parse_part(part: bytes, fmt: SheetFormat, strings: list[str], cells: _Cells | None = None) -> list[
        tuple[int, list[str]]]:
    """The rows of one part (see :meth:`Sheet.parts`): (row number, cells as text, from column A)."""
    text = part.decode("utf-8")
    cells = cells or _Cells(fmt, strings)
    rows: list[tuple[int, list[str]]] = []
    row: list[str] | None = None
    number = 0
    for match in _PIECE.finditer(text):
        row_attrs = match.group(1)
        if row_attrs is not None:
            if row:
                rows.append((number, row))
            found = _ROW_NUMBER.search(row_attrs)
            if found is None:
                raise ValueError("a row without its number (r): save the file again in Excel or WPS")
            number = int(found.group(1))
            row = [] if number >= fmt.first_row else None
            continue
        if row is None:
            continue
        letters, attrs, body = match.group(2, 3, 4)
        kind, style = cells.kind(attrs) if attrs else ("n", 0)
        value = cells.text(kind, style, body)
        if letters is None:
            ref = _CELL_REF.search(attrs)
            index = cells.column(ref.group(1)) if ref else len(row)
        else:
            index = cells.column(letters)
        if index == len(row):
            row.append(value)
        elif index > len(row):
            row.extend([""] * (index - len(row)))
            row.append(value)
        else:
            row[index] = value
    if row:
        rows.append((number, row))
    return rows
