"""Reading an XLSX sheet from its XML, streamed and cut at row ends, so that workers parse the parts side by side.

Why not calamine for these files: python-calamine builds the whole sheet in memory before it gives the first
row (24 s and ~2 GB for a full sheet of the template), and only one core can do that. Here the importing
process only inflates the sheet's XML and cuts it into parts of whole ``<row>`` elements; the workers turn each
part into rows (:func:`parse_part`) and validate them, so reading and validating overlap on both cores and
memory stays flat. Decision 0009 ("Third round") gives the figures.

The cells read the same as calamine reads them (the import's tests compare both on the same workbooks):
shared and inline strings (rich text runs joined, phonetic runs left out, XML entities and Excel's ``_x00HH_``
escapes decoded, line ends as XML reads them), numbers, booleans, formulas' cached values, error values
(empty, as calamine gives them), and numbers whose style is a date, time or duration format (1900 and 1904
date systems, the built-in formats of a Chinese Excel such as ``yyyy"年"m"月"d"日"`` included, to the
millisecond as calamine computes them).

Since it parses untrusted uploads, property tests (Hypothesis, ``core/tests/test_xlsx_property.py``) hold it
to calamine on generated workbooks — written by xlsxwriter, by openpyxl and as hand-made XML in forms writers
do not produce — check that parts of any size read as the whole sheet, and feed it mutated sheets, which it
must read or refuse with its own errors within a time limit (hence patterns that never scan past the next
element of their kind). The differences from calamine that are accepted are listed there.

:func:`open_sheet` raises :class:`Unsupported` for any workbook it does not read (XLS, XLSB, ODS, a sheet
XML with a namespace prefix or another encoding): calamine reads those instead. A part that turns out damaged
(a row without its number, a string the workbook does not hold, bytes that are not UTF-8) raises
:class:`SheetDamaged` or ``UnicodeDecodeError``, which refuse the file.
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
#: A row (or shared string) longer than this is refused: a damaged or hostile file, not a sheet to hold whole
MAX_ITEM_BYTES = 1 << 26

_MAIN_NS = (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            b"http://purl.oclc.org/ooxml/spreadsheetml/main")
_OFFICE_DOC_REL = "/officeDocument"
_STRINGS_REL = "/sharedStrings"
_STYLES_REL = "/styles"

#: Built-in number formats (ECMA-376 §18.8.30) that show a date or time; 46 is a duration ([h]:mm:ss).
#: 27–36 and 50–58 are the CJK date formats (yyyy"年"m"月"d"日" and the like) that a Chinese Excel writes.
_BUILTIN_DATES = frozenset([*range(14, 23), 45, 47, *range(27, 37), *range(50, 59)])
_BUILTIN_DURATIONS = frozenset([46])

#: Day 0 as calamine counts: serial 60 is Excel's 29 Feb 1900, so serials below it count one day more, and
#: the 1904 system's serials 1462 days more. Excel stores wall-clock values with no time zone, so it is naive.
_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001
_DAYS_1904 = 1462
_MS_PER_DAY = 86_400_000
#: The days (from _EPOCH) of the first and last dates of calamine's calendar (chrono's: the years -262144 to
#: 262143), reached through 400-year cycles of 146,097 days; a time of day beyond them is not read as one.
_FIRST_DAY = (dt.date(256, 1, 1) - _EPOCH.date()).days - 656 * 146_097
_LAST_DAY = (dt.date(1743, 12, 31) - _EPOCH.date()).days + 651 * 146_097


class Unsupported(Exception):
    """The workbook is not one this reader reads; calamine reads it instead."""


class SheetDamaged(ValueError):
    """Part of the sheet cannot be read. ``problem`` says what (``row_number``, ``shared_string``,
    ``row_too_long``), ``value`` the offending text: the reader words the user's message from them."""

    def __init__(self, problem: str, value: str = "") -> None:
        super().__init__(f"{problem}: {value}" if value else problem)
        self.problem = problem
        self.value = value


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
    _strings: StringTable | None = field(default=None, repr=False)

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
                if len(buffer) > part_bytes + MAX_ITEM_BYTES:
                    raise SheetDamaged("row_too_long")
            if buffer.strip():
                yield buffer

    def strings(self) -> StringTable:
        """The shared strings, loaded as far as they are used."""
        if self._strings is None:
            self._strings = StringTable(self.format)
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
        # Either quote is XML: a date system missed would move every date by four years without an error.
        date1904 = bool(pr and re.search(r"""\bdate1904=(["'])(1|true)\1""", pr.group(1)))
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

# Each body pattern stops at the next element of its own kind: an element opened and never closed (a hostile
# file) then costs a scan to that element, not to the end of the part (which made a 300 KB row take 30 s).
# Text never holds "<" (it is written &lt;), so a text body is [^<]*.
_SI = re.compile(r"<si>([^<]*+(?:<(?!/si>|si\b)[^<]*+)*+)</si>|<si/>")
_T = re.compile(r"<t\b([^<>]*?)(?:/>|>([^<]*+)</t>)")  # 1: attributes, 2: text
_PHONETIC = re.compile(r"<rPh\b[^<]*+(?:<(?!/rPh>|rPh\b)[^<]*+)*+</rPh>")
#: Excel's escapes of characters XML cannot hold (``_x000D_``) and of a literal escape (``_x005F_``). Only
#: ``_x00HH_`` is one, as calamine reads them: ``_x4E2D_`` or ``_xD83D_`` (half a surrogate pair) stay as written.
_ESCAPED = re.compile(r"_x00([0-9A-Fa-f]{2})_")


def _text(xml: str) -> str:
    """The text of a string item (``<si>``, ``<is>``): its ``<t>`` runs joined, phonetic runs left out."""
    if xml.startswith("<t>") and xml.endswith("</t>") and xml.count("<t") == 1:
        return _unescape(xml[3:-4])
    if "<rPh" in xml:
        xml = _PHONETIC.sub("", xml)
    return "".join([_run(attrs, text) for attrs, text in _T.findall(xml)])


def _run(attrs: str, text: str) -> str:
    """One ``<t>``'s text as calamine reads it: entities decoded, then spaces, tabs and line ends at its ends
    trimmed unless it says ``xml:space="preserve"``, then escapes decoded. Only rich text shows the trim (the
    runs' inner ends): a cell's text is trimmed anyway."""
    if "&" in text:
        text = html.unescape(text)
    if "preserve" not in attrs:
        text = text.strip(" \t\r\n")
    if "_x" in text:
        text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def _unescape(text: str) -> str:
    if "&" in text:
        text = html.unescape(text)
    if "_x" in text:
        text = _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def _string_batches(fmt: SheetFormat) -> Iterator[list[str]]:
    """The workbook's shared strings, a block of the XML at a time."""
    if not fmt.strings:
        return
    with zipfile.ZipFile(fmt.path) as zf, zf.open(fmt.strings) as fh:
        buffer = ""
        decoder = codecs.getincrementaldecoder("utf-8-sig")()
        done = False
        while not done:
            block = fh.read(_READ_BYTES)
            done = not block
            buffer += decoder.decode(block, final=done)
            last = len(buffer) if done else max(buffer.rfind("</si>") + 5, buffer.rfind("<si/>") + 5, 0)
            if last > 5:
                yield _string_items(buffer, last)
                buffer = buffer[last:]
            if len(buffer) > MAX_ITEM_BYTES:
                raise SheetDamaged("row_too_long")


_PLAIN_SI = re.compile(r'<si><t(?: xml:space="preserve")?>([^<&]*)</t></si>')


def _string_items(xml: str, end: int) -> list[str]:
    """The string items in ``xml[:end]``, trimmed (cells are): in one pass when every item is one plain run."""
    if "\r" in xml:
        xml = _line_ends(xml[:end])
        end = len(xml)
    if "_x" not in xml:
        plain = _PLAIN_SI.findall(xml, 0, end)
        if len(plain) == xml.count("<si", 0, end):
            return [text.strip() for text in plain]
    return [_text(m.group(1)).strip() if m.group(1) is not None else "" for m in _SI.finditer(xml, 0, end)]


def _line_ends(xml: str) -> str:
    """Line ends as an XML parser reads them (XML 1.0 §2.11): CR LF and a lone CR are LF. A CR written as
    ``&#13;`` or ``_x000D_`` stays a CR, being decoded only after this."""
    return xml.replace("\r\n", "\n").replace("\r", "\n")


def load_strings(fmt: SheetFormat) -> list[str]:
    """The workbook's whole shared string table, each text trimmed."""
    return [text for batch in _string_batches(fmt) for text in batch]


class StringTable:
    """The shared strings, parsed only as far as they are asked for: the importing process needs the header's
    few when workers parse the rows (each worker loads the whole table with :func:`load_strings`)."""

    def __init__(self, fmt: SheetFormat) -> None:
        self._items: list[str] = []
        self._batches: Iterator[list[str]] | None = _string_batches(fmt)

    def __getitem__(self, index: int) -> str:
        while index >= len(self._items) and self._batches is not None:
            batch = next(self._batches, None)
            if batch is None:
                self._batches = None
            else:
                self._items.extend(batch)
        return self._items[index]


# ---------------------------------------------------------------------------------------------------------
# Cells

_PIECE = re.compile(
    r'<row\b([^<>]*)>'  # 1: a row's attributes (a self-closing row keeps its "/")
    r'|<c\b(?: r="([A-Z]{1,3})\d+")?([^<>]*?)'  # 2: column letters, 3: other attributes
    r'(?:/>|>([^<]*+(?:<(?!/c>|c\b|/?row\b)[^<]*+)*+)</c>)')  # 4: body, which ends before another cell or row
_ROW_NUMBER = re.compile(r'\br="(\d+)"')
_CELL_REF = re.compile(r'\br="([A-Z]{1,3})\d+"')
_TYPE = re.compile(r'\bt="(\w+)"')
_STYLE = re.compile(r'\bs="(\d+)"')
_VALUE = re.compile(r"<v>([^<]*+)</v>")
_INLINE = re.compile(r"<is>([^<]*+(?:<(?!/is>|is\b)[^<]*+)*+)</is>")
_FORMULA = re.compile(r"<f\b[^<>]*?(?:/>|>[^<]*+</f>)")



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
    """An Excel serial number under a date/time format: a date, datetime, time or timedelta, computed as
    calamine computes it (to the millisecond, its float arithmetic included), or the number itself where
    calamine gives the number (a date outside the years 1–9999). ``OverflowError`` for a duration longer than
    ``timedelta`` holds (calamine fails on those)."""
    if duration:
        return dt.timedelta(milliseconds=_milliseconds(serial))
    days = serial + _DAYS_1904 if date1904 else serial
    if days < 60:
        days += 1
    day, ms = divmod(_milliseconds(days), _MS_PER_DAY)
    if serial < 1:  # a time of day (before the epoch too: its time part)
        # The time part only: no date, so no time zone.
        return (dt.datetime.min  # noqa: DTZ901
                + dt.timedelta(milliseconds=ms)).time() if _FIRST_DAY <= day <= _LAST_DAY else serial
    try:
        moment = _EPOCH + dt.timedelta(days=day, milliseconds=ms)
    except OverflowError:
        return serial
    return moment.date() if moment.time() == dt.time() else moment


def _milliseconds(days: float) -> int:
    """``days`` in milliseconds as calamine rounds them: half away from zero (Rust's ``f64::round``, where
    Python's ``round`` goes to the even), the float product as it is, saturated to 64 bits."""
    ms = days * _MS_PER_DAY
    if not math.isfinite(ms):
        return (1 << 63) - 1 if ms > 0 else -(1 << 63)
    whole = math.trunc(ms)
    if abs(ms - whole) >= 0.5:  # exact: the difference of two close floats
        whole += 1 if ms > 0 else -1
    return max(-(1 << 63), min(whole, (1 << 63) - 1))


class _Cells:
    """Turns cells into text for one sheet: caches what repeats (attribute strings, column letters)."""

    def __init__(self, fmt: SheetFormat, strings: list[str] | StringTable) -> None:
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

    def shared(self, raw: str) -> str:
        try:
            index = int(raw)
            if index < 0:
                raise IndexError(index)
            return self.strings[index]  # trimmed already
        except (ValueError, IndexError):
            raise SheetDamaged("shared_string", raw) from None

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
            return self.shared(raw)
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
        try:
            number = float(raw)
        except ValueError:
            return _unescape(raw)  # not a number (no writer puts text here): the text, as calamine reads it
        if (style in self.fmt.dates or style in self.fmt.durations) and math.isfinite(number):
            try:
                return cell_text(serial_value(number, date1904=self.fmt.date1904,
                                              duration=style in self.fmt.durations))
            except OverflowError:
                pass  # a duration longer than timedelta holds: the number (calamine fails on it)
        return cell_text(number)


def _iso_text(raw: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(raw.rstrip("Z"))
    except ValueError:
        return raw
    return cell_text(moment)


def parse_part(part: bytes, fmt: SheetFormat, strings: list[str] | StringTable, cells: _Cells | None = None) -> list[
        tuple[int, list[str]]]:
    """The rows of one part (see :meth:`Sheet.parts`): (row number, cells as text, from column A).

    Most rows take a fast path: cut at row ends, a row whose cells are all plain inline strings (as xlsxwriter
    and openpyxl write them) is split at the cells' ends and decoded at once, and one whose cells all hold a
    plain value (shared strings, numbers, as Excel and WPS write them) is read with one pattern. Anything else
    in a row — rich text, a formula, an escape, a cell without its reference — sends that row to the general
    reader.
    """
    cells = cells or _Cells(fmt, strings)
    if b"\r" in part:  # line ends as an XML parser reads them (see _line_ends); a part never ends inside one
        part = part.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if b"&" in part or b"_x" in part:
        return _parse_general(part.decode("utf-8"), cells)  # escapes to decode: rare enough to read the slow way
    rows: list[tuple[int, list[str]]] = []
    first_row = fmt.first_row
    for chunk in part.split(b"</row>"):
        start = chunk.find(b"<row ")
        if start < 0 or chunk.find(b"<row", start + 4) >= 0:
            if chunk.strip():  # self-closing rows, anything unexpected: the general reader
                rows.extend(_parse_general(chunk.decode("utf-8"), cells))
            continue
        head_end = chunk.find(b">", start)
        if chunk.startswith(b'<row r="', start):
            end = chunk.find(b'"', start + 8)
            digits = chunk[start + 8:end] if end > 0 else b""
            if not digits.isdigit():  # r="", r="x", no closing quote: as the general reader, a damaged row
                raise SheetDamaged("row_number")
            number = int(digits)
        else:
            found = _ROW_NUMBER.search(chunk[start:head_end].decode("utf-8"))
            if found is None:
                raise SheetDamaged("row_number")
            number = int(found.group(1))
        if number < first_row:
            continue
        body = chunk[head_end + 1:]
        if body.endswith(_INLINE_CLOSE):
            row = _inline_row(body)
        else:
            row = _shared_row(body, cells.strings)
            if row is None:
                row = _plain_row(body.decode("utf-8"), cells)
        if row is None:
            rows.extend(_parse_general(chunk.decode("utf-8"), cells))
        elif row:
            rows.append((number, row))
    return rows


_INLINE_CLOSE = b"</t></is></c>"
_COLUMN_LETTERS = [chr(65 + i) for i in range(26)] + [chr(64 + i // 26) + chr(65 + i % 26) for i in range(26, 702)]
_CELL_STARTS = [f'<c r="{letters}'.encode() for letters in _COLUMN_LETTERS]
_BYTE_COLUMNS = {letters.encode(): index for index, letters in enumerate(_COLUMN_LETTERS)}
_CELL_LETTERS = re.compile(rb'<c r="([A-Z]{1,3})\d')
_DIGITS = frozenset(b"0123456789")
_SPACE = re.compile(r"\s")
_PLAIN_CELL = re.compile(r'<c r="([A-Z]{1,3})\d+"((?: [st]="\w+")*)(?:><v>([^<]*)</v></c>|/>)|(<)')


def _inline_row(body: bytes) -> list[str] | None:
    """The cells of a row of plain inline strings, or None (the general reader reads the row)."""
    pieces = body.split(_INLINE_CLOSE)
    count = len(pieces) - 1
    # Every cell ends as an inline string's single text run ends: the value follows the last ">" of its piece.
    if pieces[-1] or body.count(b"<c") != count:
        return None
    # Joined at NUL (which XML text cannot hold) to decode once; trimmed only where some space is.
    text = b"\0".join([piece[piece.rfind(b">") + 1:] for piece in pieces[:-1]]).decode("utf-8")
    values = text.split("\0")
    if _SPACE.search(text):
        values = [value.strip() for value in values]
    # Cells come in column order (ECMA-376): from A, with as many as the last one's column, there is no gap.
    last = pieces[-2]
    start = _CELL_STARTS[count - 1] if count <= len(_CELL_STARTS) else b"-"
    if (pieces[0].startswith(b'<c r="A') and pieces[0][7] in _DIGITS
            and last.startswith(start) and last[len(start)] in _DIGITS):
        return values
    row: list[str] = []  # gaps (empty cells left out): each value at its own column
    for piece, value in zip(pieces, values, strict=False):
        found = _CELL_LETTERS.match(piece)
        if found is None:
            return None
        letters = found.group(1)
        index = _BYTE_COLUMNS.get(letters)
        if index is None:
            index = column_index(letters.decode())
        if index < len(row):
            return None
        if index > len(row):
            row.extend([""] * (index - len(row)))
        row.append(value)
    return row


_SHARED_CELL = re.compile(rb'<c r="([A-Z]{1,3})\d+"(?: s="\d+")? t="s"><v>(\d+)</v></c>')


def _shared_row(body: bytes, strings: list[str] | StringTable) -> list[str] | None:
    """The cells of a row of shared strings only (as Excel writes text), or None."""
    found = _SHARED_CELL.findall(body)
    count = len(found)
    if not count or body.count(b"<c") != count:
        return None
    letters, indexes = zip(*found, strict=True)
    try:
        values = list(map(strings.__getitem__, map(int, indexes)))
    except IndexError:
        values = [_shared_or_damaged(strings, index) for index in indexes]  # raises, naming the index
    if letters[0] == b"A" and _BYTE_COLUMNS.get(letters[-1]) == count - 1:
        return values  # from A without a gap (cells come in column order)
    try:
        columns = list(map(_BYTE_COLUMNS.__getitem__, letters))
    except KeyError:
        columns = [column_index(column.decode()) for column in letters]
    row = [""] * (max(columns) + 1)  # empty cells left out: each value at its own column
    for column, value in zip(columns, values, strict=True):
        row[column] = value
    return row


def _shared_or_damaged(strings: list[str] | StringTable, index: bytes) -> str:
    try:
        return strings[int(index)]
    except IndexError:
        raise SheetDamaged("shared_string", index.decode()) from None


def _plain_row(body: str, cells: _Cells) -> list[str] | None:
    """The cells of a row whose cells are all empty or hold a plain ``<v>`` value, or None."""
    row: list[str] = []
    columns = cells.columns
    for letters, attrs, value, other in _PLAIN_CELL.findall(body):
        if other:
            return None
        index = columns.get(letters)
        if index is None:
            index = cells.column(letters)
        if index > len(row):
            row.extend([""] * (index - len(row)))
        elif index < len(row):
            return None
        if not value:
            row.append("")
            continue
        kind, style = cells.kind(attrs) if attrs else ("n", 0)
        row.append(cells.text(kind, style, "<v>" + value + "</v>") if kind != "s" else cells.shared(value))
    return row


def _parse_general(text: str, cells: _Cells) -> list[tuple[int, list[str]]]:
    """Rows from any sheet XML: every tag and attribute looked at (the fast paths' fallback)."""
    first_row = cells.fmt.first_row
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
                raise SheetDamaged("row_number")
            number = int(found.group(1))
            row = [] if number >= first_row else None
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
