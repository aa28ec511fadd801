"""Property-based tests of the XLSX sheet reader (core.xlsx): it reads what python-calamine reads.

The reader parses untrusted uploads, so hand-made workbooks (members' test_import_xlsx) are not enough:
Hypothesis generates workbooks — their content (every kind of cell) and their form (how the XML spells it) —
and each one is read by both readers. Three properties:

1. **Same rows as calamine.** Every generated workbook the reader accepts gives calamine's rows, cell for
   cell, after the import's normalisation (calamine's values through ``cell_text``, strings trimmed, trailing
   empty cells and rows dropped). Workbooks come from xlsxwriter, from openpyxl and from a small builder here
   that writes the XML by hand, for the forms writers do not produce (cells without a reference, attributes in
   another order, entities and ``_xHHHH_`` escapes where a writer would not put them, whitespace between
   elements, text in a number cell, rows without a number).
2. **Parts read as the whole.** Reading the sheet in parts of any size (as the workers do) gives the rows
   that reading it whole gives.
3. **Hostile sheets fail cleanly.** A valid sheet's XML mutated (truncated, bytes flipped, tags unbalanced or
   repeated, huge attribute values, shared strings out of range) is read or refused with the reader's own
   errors, never another exception, and within a bounded time.

Accepted differences from calamine (a workbook that shows one is left out of property 1, by the check
named in brackets; none is written by Excel, WPS, xlsxwriter or openpyxl):

- A row without its ``r`` attribute: calamine numbers it after the row before; the reader refuses the file
  (``SheetDamaged("row_number")``), since a worker reading a part cannot know the rows before it — except an
  empty ``<row/>``, which it passes over. [``_refused_where_calamine_reads``]
- A duration too long for Python's ``timedelta`` (±999,999,999 days), or a date-formatted number whose
  milliseconds overflow 64 bits (beyond ±10¹¹ days): python-calamine raises ``OverflowError`` while it
  converts the value, or panics (``PanicException``, which is not an ``Exception``); the reader gives the
  number. [``_duration_overflow``]
- Not generated, and so not compared: a boolean cell holding neither 0/1 nor true/false (calamine refuses the
  file, the reader reads "否"), an unknown cell type (calamine refuses, the reader reads a number), a shared
  string index that is not a number (calamine reads string 0, the reader refuses), an entity in a number
  cell's value (calamine leaves the cell out), a number with spaces or ``_`` between digits (calamine reads
  text, the reader a number), an unknown entity such as ``&nbsp;`` (calamine refuses, the reader decodes it
  as HTML does), CDATA sections (calamine reads their text, the reader does not), attributes in single
  quotes in the sheet (the reader refuses a row number it cannot find; the workbook's ``date1904`` is read in
  either quotes).

The normalisation is that of members' ``read_both`` (members/tests/test_import_xlsx.py), rewritten here
because the core layer imports no app; calamine's sheet is taken without its empty top-left area skipped, so
that cells keep their columns.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import os
import re
import signal
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from unionserve.core import xlsx
from unionserve.core.xlsx import cell_text

#: Errors the reader may raise for a file it cannot read; the import turns each into its user-facing message
#: (members.importing.reader._unreadable). ``Unsupported`` sends the file to calamine instead.
OWN_ERRORS = (xlsx.Unsupported, xlsx.SheetDamaged, UnicodeDecodeError)
SECONDS_PER_EXAMPLE = 10


# ---------------------------------------------------------------------------------------------------------
# Reading with both readers


def _trimmed(rows: list[list[str]]) -> list[list[str]]:
    """Rows without their trailing empty cells, and without trailing empty rows."""
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] == "":
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


def calamine_rows(path: str) -> list[list[str]]:
    """calamine's rows as the import normalises them (members.importing.reader._xlsx_rows)."""
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    rows = sheet.to_python(skip_empty_area=False)
    return _trimmed([[v.strip() if type(v) is str else cell_text(v) for v in row] for row in rows])


def numbered_rows(path: str, part_bytes: int | None = None, first_row: int = 1) -> list[tuple[int, list[str]]]:
    """The reader's (row number, cells) for the sheet, read in parts of ``part_bytes`` as the workers do."""
    sheet = xlsx.open_sheet(path)
    fmt = replace(sheet.format, first_row=first_row)
    strings = xlsx.load_strings(fmt)
    return [row for part in sheet.parts(part_bytes) for row in xlsx.parse_part(part, fmt, strings)]


def our_rows(path: str, part_bytes: int | None = None) -> list[list[str]]:
    """The reader's rows, each at its row number (rows left out are empty), normalised as calamine's."""
    dense: list[list[str]] = []
    for number, row in numbered_rows(path, part_bytes):
        assert number > len(dense), "rows come in ascending order in generated sheets"
        dense.extend([] for _ in range(number - 1 - len(dense)))
        dense.append(row)
    return _trimmed(dense)


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail (rather than hang) when the body runs longer than ``seconds``: a regular expression gone
    quadratic on a hostile part would otherwise stall a worker for hours."""

    def expired(_signum, _frame):
        raise TimeoutError(f"the reader took more than {seconds} s on one example")

    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield
        return
    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def written(data: bytes) -> Iterator[str]:
    """``data`` in a temporary .xlsx file (both readers read from a path)."""
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        yield path
    finally:
        os.unlink(path)


# ---------------------------------------------------------------------------------------------------------
# What a workbook holds: its cells, as a model the writers and the builder both take

#: (number format id, format code for ids ≥ 164): built-in and custom, dates, times, durations, Chinese dates
STYLES: list[tuple[int, str | None]] = [
    (0, None), (2, None), (14, None), (22, None), (45, None), (46, None), (47, None), (31, None), (57, None),
    (49, None), (164, "yyyy-mm-dd"), (165, 'yyyy"年"m"月"d"日"'), (166, "[h]:mm:ss"), (167, "h:mm AM/PM"),
    (168, "0.00"), (169, '"d"0'), (170, "[Red]0.00"), (171, "[$-804]yyyy/m/d"), (172, 'm"月"d"日"'),
    (173, "[mm]:ss"), (174, "yyyy/m/d h:mm:ss"), (175, "0_d"), (176, "[ss].000"), (177, "上午/下午h\"时\"mm\"分\""),
]
ERRORS = ["#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"]


@dataclass(frozen=True)
class Text:
    """A string as pieces: plain text (escaped by whoever writes it) or raw XML (an entity, an ``_xHHHH_``
    escape) that the hand builder puts into the XML as it stands and the writers take as plain text."""

    pieces: tuple[tuple[bool, str], ...] = ()

    @property
    def plain(self) -> str:
        return "".join(text for _raw, text in self.pieces)

    def xml(self) -> str:
        return "".join(text if raw else _xml_escape(text) for raw, text in self.pieces)


@dataclass(frozen=True)
class Rich:
    """Rich text: runs (each with or without run properties) and a phonetic run, which readers leave out."""

    runs: tuple[Text, ...]
    phonetic: Text | None = None

    @property
    def plain(self) -> str:
        return "".join(run.plain for run in self.runs)


@dataclass(frozen=True)
class Cell:
    """One cell. ``kind``: shared, inline, number, bool, error, formula_str, formula_num, blank, iso,
    nontext (text in a number cell, hand-built only)."""

    kind: str
    value: Any = None  # the kind decides: Text, Rich, float, bool, a date …
    style: int = 0


@dataclass(frozen=True)
class Book:
    """A workbook: rows as (row number, [(column, cell)]) in ascending order, and its date system."""

    rows: tuple[tuple[int, tuple[tuple[int, Cell], ...]], ...]
    date1904: bool = False


@dataclass(frozen=True)
class Form:
    """How the hand builder spells a book's XML."""

    cell_refs: tuple[bool, ...] = (True,)  # per cell in file order: write its ``r`` (cycled)
    row_refs: tuple[bool, ...] = (True,)  # per row: write its ``r`` (cycled)
    attr_order: int = 0  # 0: r s t, 1: t r s, 2: s t r
    whitespace: str = ""  # between rows and cells (a pretty-printed sheet)
    shared: bool = True  # strings in the shared table (else inline)
    preserve: bool = False  # xml:space="preserve" on every <t>
    date1904: str = '="1"'  # how workbookPr says so: ="1", ="true"
    row_attrs: str = ""  # extra row attributes (spans, ht)
    dimension: bool = True
    number_forms: tuple[int, ...] = (0,)  # per number: repr, %G, integer form (cycled)
    extra_strings: int = 0  # unused items in the shared table
    self_closing_blanks: bool = True


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_LITERAL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def _xml_escape(text: str) -> str:
    """Text as Excel writes it in XML: entities for & < >, ``_xHHHH_`` for characters XML cannot hold, and
    ``_x005F_`` before text that would read as such an escape."""
    text = _LITERAL_ESCAPE.sub(r"_x005F_\1", text)
    text = escape(text)
    return _ILLEGAL_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


# ---------------------------------------------------------------------------------------------------------
# Strategies

_RAW_PIECES = [
    "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#20013;", "&#x6587;", "&#x1F600;", "&#13;", "&#xD;", "&#9;",
    "_x000D_", "_x000A_", "_x0009_", "_x0001_", "_x005F_", "_x00e9_", "_x4E2D_", "_xD83D_", "_xDE00_", "_x0000_",
    "_xFFFF_", "_x00", "_x12345_", "_X000D_",
]
_PLAIN_PIECES = [
    " ", "  ", "\t", "\n", "\r\n", "\r", "&", "<", ">", '"', "'", "_x000D_", "_x", "张三", "年月日", "会员", "😀",
    "𠀀", "\u3000", "\xa0", "=1+1", "0", "110101199003071234", "#N/A", "\x01", "\x1f", "A1", "<t>", "]]>",
]
_piece = st.one_of(
    st.tuples(st.just(False), st.text(st.characters(codec="utf-8"), min_size=1, max_size=4)),
    st.tuples(st.just(False), st.sampled_from(_PLAIN_PIECES)),
    st.tuples(st.just(True), st.sampled_from(_RAW_PIECES)),
)
texts = st.lists(_piece, max_size=5).map(lambda pieces: Text(tuple(pieces)))
plain_texts = st.lists(st.tuples(st.just(False), st.one_of(
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=4), st.sampled_from(_PLAIN_PIECES))),
    max_size=5).map(lambda pieces: Text(tuple(pieces)))
rich = st.builds(Rich, st.lists(texts, min_size=1, max_size=3).map(tuple), st.none() | texts)
numbers = st.one_of(
    st.integers(-10**17, 10**17).map(float),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(-1e6, 3e6),  # serials around Excel's calendar (1900-01-01 is 1, 9999-12-31 is 2958465)
    st.sampled_from([0.0, -0.0, 0.5, 1.0, 59.0, 60.0, 61.0, 1e-300, 5e-324, 1e300, 1e20, 2958465.0, 2958465.999,
                     2958466.0, 1.5e-7, 0.1, -1.0, -0.5, 0.99999999999, 43832.75, 1e12]),
)
datetimes = st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31))
styles = st.integers(0, len(STYLES) - 1)


def _cells(hand: bool) -> st.SearchStrategy[Cell]:
    """Cells of every kind (``hand``: also the kinds only the hand builder writes)."""
    kinds = [
        st.builds(Cell, st.just("shared"), st.one_of(texts, rich), styles),
        st.builds(Cell, st.just("inline"), st.one_of(texts, rich), styles),
        st.builds(Cell, st.just("number"), numbers, styles),
        st.builds(Cell, st.just("bool"), st.booleans(), styles),
        st.builds(Cell, st.just("error"), st.sampled_from(ERRORS), styles),
        st.builds(Cell, st.just("formula_str"), texts, styles),
        st.builds(Cell, st.just("formula_num"), numbers, styles),
        st.builds(Cell, st.just("blank"), st.none(), styles),
        st.builds(Cell, st.just("iso"), datetimes, styles),
    ]
    if hand:
        kinds.append(st.builds(Cell, st.just("nontext"), st.sampled_from(["abc", "N/A", "张", "-", "1,000", "x1"]),
                               styles))
    return st.one_of(kinds)


CELLS = {hand: _cells(hand) for hand in (False, True)}  # built once: drawing is the tests' main cost


@st.composite
def books(draw, hand: bool = True, min_rows: int = 1, max_rows: int = 8, max_column: int = 30) -> Book:
    """A workbook: up to ``max_rows`` rows at increasing numbers (rows left out between), each with cells
    at increasing columns (cells left out between), of different lengths."""
    numbers = draw(st.lists(st.integers(1, 40), min_size=min_rows, max_size=max_rows, unique=True))
    rows = []
    for number in sorted(numbers):
        columns = draw(st.lists(st.integers(0, max_column), max_size=8, unique=True))
        rows.append((number, tuple((column, draw(CELLS[hand])) for column in sorted(columns))))
    return Book(tuple(rows), draw(st.booleans()))


forms = st.builds(
    Form,
    cell_refs=st.lists(st.booleans(), min_size=1, max_size=5).map(tuple) | st.just((True,)),
    attr_order=st.integers(0, 2),
    whitespace=st.sampled_from(["", "", "\n", "\n  ", " "]),
    shared=st.booleans(),
    preserve=st.booleans(),
    date1904=st.sampled_from(['="1"', '="true"', "='1'"]),
    row_attrs=st.sampled_from(["", ' spans="1:3"', ' ht="20" customHeight="1"', ' x14ac:dyDescent="0.25"']),
    dimension=st.booleans(),
    number_forms=st.lists(st.integers(0, 2), min_size=1, max_size=3).map(tuple),
    extra_strings=st.integers(0, 3),
    self_closing_blanks=st.booleans(),
)


# ---------------------------------------------------------------------------------------------------------
# Writing a workbook: by hand, with xlsxwriter, with openpyxl

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_BOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>')


def _styles_xml() -> str:
    custom = "".join(f'<numFmt numFmtId="{i}" formatCode="{escape(code, {chr(34): "&quot;"})}"/>'
                     for i, code in STYLES if code)
    applied = ' applyNumberFormat="1"'
    xfs = "".join(f'<xf numFmtId="{i}" fontId="0" fillId="0" borderId="0" xfId="0"{applied if i else ""}/>'
                  for i, _code in STYLES)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {_NS}>'
            f'<numFmts count="{sum(1 for _i, c in STYLES if c)}">{custom}</numFmts>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(STYLES)}">{xfs}</cellXfs></styleSheet>')


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _string_xml(value: Text | Rich, form: Form) -> str:
    """The inside of an ``<si>`` or ``<is>``."""
    space = ' xml:space="preserve"' if form.preserve else ""
    if isinstance(value, Text):
        return f"<t{space}>{value.xml()}</t>" if value.pieces or form.preserve else "<t/>"
    props = '<rPr><b/><sz val="11"/><color rgb="FFFF0000"/></rPr>'  # on every other run
    runs = "".join(f"<r>{props if i % 2 else ''}<t{space}>{run.xml()}</t></r>" for i, run in enumerate(value.runs))
    if value.phonetic is not None:
        runs += f'<rPh sb="0" eb="1"><t>{value.phonetic.xml()}</t></rPh><phoneticPr fontId="1" type="noConversion"/>'
    return runs


def _number_xml(value: float, form: Form, counter: list[int]) -> str:
    how = form.number_forms[counter[0] % len(form.number_forms)]
    counter[0] += 1
    if how == 2 and value.is_integer() and abs(value) < 1e17:
        return str(int(value)) if not (value == 0 and math.copysign(1, value) < 0) else "-0"
    return f"{value:.17G}" if how == 1 else repr(value)


def hand_built(book: Book, form: Form) -> bytes:
    """The workbook's bytes with its XML written here, in the spelling ``form`` asks for."""
    strings: list[str] = []
    counter = [0]
    ws = form.whitespace
    rows_xml = []
    n_cell = 0
    for index, (number, row) in enumerate(book.rows):
        cells_xml = []
        for column, cell in row:
            with_ref = form.cell_refs[n_cell % len(form.cell_refs)]
            n_cell += 1
            attrs = {"r": f'r="{column_letters(column)}{number}"' if with_ref else "",
                     "s": f's="{cell.style}"' if cell.style else ""}
            body = ""
            kind = cell.kind
            if kind in ("shared", "inline") and form.shared:
                attrs["t"] = 't="s"'
                strings.append(_string_xml(cell.value, form))
                body = f"<v>{len(strings) - 1}</v>"
            elif kind in ("shared", "inline"):
                attrs["t"] = 't="inlineStr"'
                body = f"<is>{_string_xml(cell.value, form)}</is>"
            elif kind == "number":
                body = f"<v>{_number_xml(cell.value, form, counter)}</v>"
            elif kind == "nontext":
                body = f"<v>{cell.value}</v>"
            elif kind == "bool":
                attrs["t"] = 't="b"'
                body = f"<v>{int(cell.value)}</v>"
            elif kind == "error":
                attrs["t"] = 't="e"'
                body = f"<f>1/0</f><v>{cell.value}</v>"
            elif kind == "formula_str":
                attrs["t"] = 't="str"'
                body = f"<f>CONCATENATE(&quot;a&quot;,A1)</f><v>{cell.value.xml()}</v>"
            elif kind == "formula_num":
                body = f'<f t="shared" ref="A1:A2" si="0">1+1</f><v>{_number_xml(cell.value, form, counter)}</v>'
            elif kind == "iso":
                attrs["t"] = 't="d"'
                body = f"<v>{cell.value.isoformat()}</v>"
            order = ["rst", "trs", "str"][form.attr_order]
            head = " ".join(attrs[a] for a in order if attrs.get(a))
            head = f"<c {head}" if head else "<c"
            if not body and form.self_closing_blanks:
                cells_xml.append(head + "/>")
            else:
                cells_xml.append(f"{head}>{body}</c>")
        row_ref = form.row_refs[index % len(form.row_refs)]
        row_head = f'<row r="{number}"{form.row_attrs}' if row_ref else f"<row{form.row_attrs}"
        if cells_xml:
            rows_xml.append(f"{row_head}>{ws}{ws.join(cells_xml)}{ws}</row>")
        else:
            rows_xml.append(f"{row_head}/>")
    last = book.rows[-1][0] if book.rows else 1
    dimension = f'<dimension ref="A1:AE{last}"/>' if form.dimension else ""
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS} xmlns:r="{_REL_NS}" '
             'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
             f'{dimension}<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
             f'<sheetFormatPr defaultRowHeight="15"/><cols><col min="1" max="2" width="12"/></cols>'
             f"<sheetData>{ws}{ws.join(rows_xml)}{ws}</sheetData>"
             '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>')
    strings += ["<t>unused</t>"] * form.extra_strings
    sst = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst {_NS} count="{len(strings)}" '
           f'uniqueCount="{len(strings)}">' + "".join(f"<si>{s}</si>" for s in strings) + "</sst>")
    pr = f"<workbookPr date1904{form.date1904}/>" if book.date1904 else '<workbookPr defaultThemeVersion="124226"/>'
    workbook = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {_NS} xmlns:r="{_REL_NS}">'
                f'{pr}<sheets><sheet name="会员" sheetId="1" r:id="rId1"/></sheets></workbook>')
    return _zipped({
        "[Content_Types].xml": _CONTENT_TYPES, "_rels/.rels": _ROOT_RELS, "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": _BOOK_RELS, "xl/styles.xml": _styles_xml(), "xl/sharedStrings.xml": sst,
        "xl/worksheets/sheet1.xml": sheet})


def _zipped(files: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def xlsxwriter_built(book: Book, constant_memory: bool) -> bytes:
    """The workbook as xlsxwriter writes it (shared strings, or inline strings in constant-memory mode)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": constant_memory,
                                   "date_1904": book.date1904, "strings_to_numbers": False,
                                   "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("会员")
    formats = [wb.add_format({"num_format": code or i}) if i else None for i, code in STYLES]
    bold = wb.add_format({"bold": True})
    for number, row in book.rows:
        for column, cell in row:
            r, fmt, value = number - 1, formats[cell.style], cell.value
            if cell.kind in ("shared", "inline"):
                fragments = [f for run in value.runs for f in (bold, run.plain) if run.plain] if isinstance(
                    value, Rich) else []
                if len(fragments) >= 4:
                    ws.write_rich_string(r, column, *fragments, fmt) if fmt else ws.write_rich_string(
                        r, column, *fragments)
                else:
                    ws.write_string(r, column, value.plain, fmt)
            elif cell.kind in ("number", "formula_num"):
                if cell.kind == "number":
                    ws.write_number(r, column, value, fmt)
                else:
                    ws.write_formula(r, column, "=1+1", fmt, value)
            elif cell.kind == "bool":
                ws.write_boolean(r, column, value, fmt)
            elif cell.kind == "error":
                ws.write_formula(r, column, "=1/0", fmt, value)
            elif cell.kind == "formula_str":
                ws.write_formula(r, column, '="a"', fmt, value.plain)
            elif cell.kind == "blank":
                ws.write_blank(r, column, None, fmt)
            elif cell.kind == "iso":
                ws.write_datetime(r, column, value, fmt or formats[10])
    wb.close()
    return buf.getvalue()


_OPENPYXL_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def openpyxl_built(book: Book) -> bytes:
    """The workbook as openpyxl writes it (inline strings, numbers written with ``repr``)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    if book.date1904:
        wb.epoch = dt.datetime(1904, 1, 1)
    for number, row in book.rows:
        for column, cell in row:
            value = cell.value
            if cell.kind in ("shared", "inline", "formula_str"):
                value = _OPENPYXL_ILLEGAL.sub("", value.plain)
                if value.startswith("="):
                    value = " " + value  # openpyxl would write it as a formula
            elif cell.kind == "formula_num":
                value = "=1+1"  # no cached value: both readers read an empty cell
            elif cell.kind == "blank":
                value = None
            target = ws.cell(row=number, column=column + 1, value=value)
            code = STYLES[cell.style][1] or _BUILTIN_CODES.get(STYLES[cell.style][0])
            if code:
                target.number_format = code
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_BUILTIN_CODES = {2: "0.00", 14: "mm-dd-yy", 22: "m/d/yy h:mm", 45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0",
                  49: "@"}


# ---------------------------------------------------------------------------------------------------------
# Property 1: the same rows as calamine


def _calamine_fails(path: str) -> BaseException | None:
    try:
        calamine_rows(path)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a Rust panic is a BaseException (pyo3's PanicException)
        return exc
    return None


def _duration_overflow(exc: BaseException) -> bool:
    """python-calamine failing on a duration past ±999,999,999 days (an OverflowError while it makes the
    timedelta) or on milliseconds past 64 bits (a Rust panic, "TimeDelta::milliseconds out of bounds")."""
    return isinstance(exc, OverflowError) or "TimeDelta" in str(exc)


def assert_reads_as_calamine(data: bytes) -> None:
    with written(data) as path, time_limit(SECONDS_PER_EXAMPLE):
        try:
            ours = our_rows(path, part_bytes=300)
        except OWN_ERRORS as exc:
            _refused_where_calamine_reads(path, exc)
            return
        failure = _calamine_fails(path)
        if failure is not None:
            # The reader gives the number (docstring: accepted differences).
            assert _duration_overflow(failure), repr(failure)
            return
        theirs = calamine_rows(path)
        assert ours == theirs, _first_difference(ours, theirs)


def _first_difference(ours: list[list[str]], theirs: list[list[str]]) -> str:
    for number, (mine, other) in enumerate(zip(ours, theirs, strict=False), start=1):
        for column in range(max(len(mine), len(other))):
            a = mine[column] if column < len(mine) else None
            b = other[column] if column < len(other) else None
            if a != b:
                return f"row {number}, column {column_letters(column)}: reader {a!r}, calamine {b!r}"
    return f"{len(ours)} rows against calamine's {len(theirs)}"


def _refused_where_calamine_reads(path: str, exc: Exception) -> None:
    """The reader refuses a generated workbook only for a row without its number (docstring)."""
    assert isinstance(exc, xlsx.SheetDamaged) and exc.problem == "row_number", repr(exc)
    failure = _calamine_fails(path)  # calamine reads it, numbering the row after the one before
    assert failure is None or _duration_overflow(failure), repr(failure)


@given(book=books(), form=forms)
@example(  # a number cell that holds text: read as calamine reads it, not a ValueError
    book=Book(((1, ((0, Cell("nontext", "abc")), (1, Cell("number", 1.0)))),)), form=Form())
@example(  # dates past 9999-12-31 (and far past) are numbers, as calamine gives them, not an OverflowError
    book=Book(((1, ((0, Cell("number", 2958466.0, 2)), (1, Cell("number", 1e20, 10)), (2, Cell("number", 3e6, 11)),
                    (3, Cell("formula_num", 1e300, 2)))),)), form=Form())
@example(  # only _x00HH_ is an escape, as calamine reads them: half a surrogate pair is no character
    book=Book(((1, ((0, Cell("inline", Text(((True, "_xD83D_"), (True, "_xDE00_"), (True, "_x4E2D_"),
                                             (True, "_x00e9_"))))),)),)), form=Form(shared=False))
@example(  # line ends as XML reads them: CR LF and a lone CR are LF, a CR written &#13; or _x000D_ stays
    book=Book(((1, ((0, Cell("shared", Text(((False, "a\r\nb\rc"), (True, "&#13;"), (True, "_x000D_"), (False, "d"))))),
                    (1, Cell("formula_str", Text(((False, "x\r\ny"),)))))),)), form=Form())
@example(  # the same in an inline string (the fast split of inline rows)
    book=Book(((1, ((0, Cell("inline", Text(((False, "a\r\nb"),)))),)),)), form=Form(shared=False))
@example(  # the 1904 date system written with single quotes (it moved every date by four years)
    book=Book(((1, ((0, Cell("number", 43832.0, 10)),)),), date1904=True), form=Form(date1904="='1'"))
@example(  # each run of rich text is trimmed of spaces at its ends unless xml:space="preserve" (calamine)
    book=Book(((1, ((0, Cell("inline", Rich((Text(((False, "0"),)), Text(((False, " 0 "),)), Text(((False, "x"),))),
                                            None))),)),)), form=Form(shared=False))
@example(  # the same in the shared string table, an entity's line end trimmed with them, an escaped one kept
    book=Book(((1, ((0, Cell("shared", Rich((Text(((False, "a"),)), Text(((True, "&#10;"), (False, " "))),
                                              Text(((True, "_x000A_"), (False, "b"))))))),)),)), form=Form())
@example(  # a product of exactly x.5 ms rounds away from zero as in calamine (Python's round went to the even)
    book=Book(((1, ((0, Cell("number", 1684446.9857774593, 3)),)),)), form=Form())
def test_hand_built_workbooks_read_as_calamine_reads_them(book, form):
    assert_reads_as_calamine(hand_built(book, form))


@given(book=books(hand=False), constant_memory=st.booleans())
def test_xlsxwriter_workbooks_read_as_calamine_reads_them(book, constant_memory):
    assert_reads_as_calamine(xlsxwriter_built(book, constant_memory))


@given(book=books(hand=False))
def test_openpyxl_workbooks_read_as_calamine_reads_them(book):
    assert_reads_as_calamine(openpyxl_built(book))


@given(book=books(min_rows=2), form=forms.map(lambda f: replace(f, row_refs=(True, False))))
@example(  # an empty row without its number holds nothing to misplace: the reader passes over it
    book=Book(((1, ((0, Cell("blank")),)), (2, ()), (3, ()))), form=Form(row_refs=(True, False),
                                                                        self_closing_blanks=False))
def test_rows_without_a_number_refuse_the_file_where_calamine_reads_it(book, form):
    """The one difference generated on purpose: a row without ``r`` (every other row here) that holds cells
    refuses the file; an empty one (``<row/>``) may be passed over, and then the rows are calamine's."""
    data = hand_built(book, form)
    with written(data) as path:
        try:
            numbered_rows(path, part_bytes=200)
        except OWN_ERRORS as exc:
            _refused_where_calamine_reads(path, exc)
            return
    assert not any(cells for index, (_number, cells) in enumerate(book.rows) if index % 2), "a row without r read"
    assert_reads_as_calamine(data)


# ---------------------------------------------------------------------------------------------------------
# Property 2: parts read as the whole


@given(book=books(max_rows=15), form=forms, part_bytes=st.integers(1, 3000), read_bytes=st.integers(16, 5000),
       first_row=st.integers(1, 10))
def test_reading_in_parts_gives_the_rows_of_the_whole_sheet(book, form, part_bytes, read_bytes, first_row):
    """Parts of any size (down to one row each), cut from reads of any size (so that ``<sheetData>`` and row
    ends straddle two reads), give the rows of the whole sheet, in order, from the first data row on."""
    with written(hand_built(book, form)) as path:
        whole = numbered_rows(path, part_bytes=1 << 30, first_row=first_row)
        saved = xlsx._READ_BYTES
        xlsx._READ_BYTES = read_bytes
        try:
            sheet = xlsx.open_sheet(path)
            parts = list(sheet.parts(part_bytes))
            in_parts = numbered_rows(path, part_bytes=part_bytes, first_row=first_row)
        finally:
            xlsx._READ_BYTES = saved
    assert in_parts == whole
    assert all(number >= first_row for number, _row in whole)
    assert all(part.rstrip().endswith((b"</row>", b"/>")) for part in parts)  # whole rows only
    with written(hand_built(book, form)) as path:
        assert [number for number, _row in whole] == [n for n, row in numbered_rows(path) if n >= first_row]


# ---------------------------------------------------------------------------------------------------------
# Property 3: hostile sheets fail cleanly and in bounded time

_TAGS = [b"<row>", b'<row r="">', b'<row r="x">', b'<row r="1', b"</row>", b"<row", b"<c>", b"<c", b"</c>",
         b'<c r="A1" t="s">', b'<c t="inlineStr"><is>', b"</is>", b"<is>", b"<t>", b"</t>", b"<v>", b"</v>", b"<f>",
         b"<rPh>", b"</sheetData>", b"<sheetData>", b"<sheetData/>", b'<c r="XFD1048576"><v>1</v></c>',
         b'<c r="ZZZZ9"><v>1</v></c>', b'<row r="99999999999999999999">', b'<c t="s"><v>99999999999</v></c>',
         b'<c t="s"><v>-1</v></c>', b'<c t="s"><v>x</v></c>', b'<c s="99999999999999"><v>1</v></c>', b"&", b"&#0;",
         b"&#xD800;", b"&bogus;", b"_xD800_", b"_x", b'<c t="b"><v>2</v></c>', b'<c t="d"><v>9999-99-99</v></c>',
         b'<c s="2"><v>1e308</v></c>', b'<c s="2"><v>-1e308</v></c>', b'<c s="5"><v>inf</v></c>',
         b'<c s="2"><v>nan</v></c>', b"\xff\xfe", b"\xe4\xb8", b"\x00", b"]]><![CDATA[", b"<!--", b"<?x?>"]


@st.composite
def mutations(draw, xml: bytes) -> bytes:
    """``xml`` changed one to four times: truncated, bytes flipped, a slice cut out or repeated, tags put
    in anywhere (unbalanced), an attribute value made huge, a tag repeated thousands of times."""
    for _ in range(draw(st.integers(1, 4))):
        # Mostly among the rows (or the string items), where a change reaches the parser; anywhere else too.
        rows = [i for i in (xml.find(b"<sheetData"), xml.find(b"<si")) if i >= 0]
        start = min(rows) if rows else 0
        at = draw(st.integers(start, len(xml)) | st.integers(0, len(xml)))
        how = draw(st.sampled_from(["truncate", "flip", "cut", "repeat", "tag", "huge", "many"]))
        if how == "truncate":
            xml = xml[:at]
        elif how == "flip" and xml:
            at = min(at, len(xml) - 1)
            xml = xml[:at] + bytes([xml[at] ^ draw(st.integers(1, 255))]) + xml[at + 1:]
        elif how == "cut":
            xml = xml[:at] + xml[at + draw(st.integers(1, 200)):]
        elif how == "repeat":
            xml = xml[:at] + xml[at:at + draw(st.integers(1, 200))] * draw(st.integers(2, 50)) + xml[at:]
        elif how == "tag":
            xml = xml[:at] + draw(st.sampled_from(_TAGS)) + xml[at:]
        elif how == "huge":
            # A huge attribute value or text: where a quote or element starts, thousands of characters more.
            filler = draw(st.sampled_from([b"9", b"A", b"x", b" ", b'"', b"<", b"&amp;", "张".encode()]))
            xml = xml[:at] + filler * draw(st.integers(1000, 100_000)) + xml[at:]
        elif how == "many":
            xml = xml[:at] + draw(st.sampled_from(_TAGS)) * draw(st.integers(100, 20_000)) + xml[at:]
    return xml


def _read_all(path: str, part_bytes: int) -> None:
    """Everything the import does with a sheet: open, cut, parse (with the table loaded lazily and whole)."""
    sheet = xlsx.open_sheet(path)
    table = sheet.strings()
    strings = xlsx.load_strings(sheet.format)
    for part in sheet.parts(part_bytes):
        xlsx.parse_part(part, sheet.format, strings)
        xlsx.parse_part(part, sheet.format, table)


@given(book=books(hand=False), form=forms, data=st.data(), part_bytes=st.integers(1, 5000),
       target=st.sampled_from(["xl/worksheets/sheet1.xml"] * 3 + ["xl/sharedStrings.xml"]))
def test_hostile_sheets_fail_with_the_readers_own_errors_in_bounded_time(book, form, data, part_bytes, target):
    files = {}
    with zipfile.ZipFile(io.BytesIO(hand_built(book, form))) as zf:
        for name in zf.namelist():
            files[name] = zf.read(name)
    files[target] = data.draw(mutations(files[target]), label="mutated")
    with written(_zipped(files)) as path, time_limit(SECONDS_PER_EXAMPLE):
        try:
            _read_all(path, part_bytes)
        except OWN_ERRORS as exc:  # shown with --hypothesis-show-statistics: how far mutated sheets get
            event(f"refused: {type(exc).__name__} {getattr(exc, 'problem', '')}".rstrip())
        else:
            event("read")


@pytest.mark.parametrize("hostile", [
    # Thousands of cells (or text runs) opened and never closed, in a part with an entity so that the
    # general reader reads it: each must not scan to the end of the part (that was minutes for a 300 KB row).
    b'<row r="1">' + b'<c r="A1" t="inlineStr"><is><t>a&amp;b' * 20_000 + b"</row>",
    b'<row r="1"><c r="A1" t="inlineStr"><is>' + b"<t>a" * 50_000 + b"</is></c></row>",
    b'<row r="1"><c r="A1" t="inlineStr">' + b"<is><t>a</t>" * 50_000 + b"</c></row>",
    b'<row r="1"><c r="A1" t="str"><f>' + b"<f>1" * 50_000 + b"<v>1</v></c></row>",
    b'<row r="1"><c r="A1">' + b"<v>1" * 50_000 + b"</c></row>",
    b"<row " * 50_000 + b'<row r="1"></row>',
    b'<row r="1">' + b"<c " * 50_000 + b"</row>",
    b'<row r="1"><c r="A1" t="inlineStr"><is><r><t>a</t></r>' + b"<rPh>" * 50_000 + b"</is></c></row>",
])
def test_parts_built_to_be_slow_are_read_in_linear_time(hostile):
    fmt = xlsx.SheetFormat(path="", strings=None)
    with time_limit(5), contextlib.suppress(OWN_ERRORS):
        xlsx.parse_part(hostile, fmt, [])
