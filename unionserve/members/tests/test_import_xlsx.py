"""The XLSX sheet reader (core.xlsx): the same cells as python-calamine, read in parts.

calamine is the oracle: each workbook here is read by both, and the XML reader's parts are cut small so that
rows straddle several parts.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from unionserve.core import xlsx
from unionserve.members.importing.reader import FileRefused, _xlsx_rows, open_table, read_part
from unionserve.members.models import Member
from unionserve.members.template import MEMBER_COLUMNS, MEMBER_HEADERS

from .test_import import card, do_import, employers, make_id, media, member_row, station_user  # noqa: F401


def _trimmed(rows) -> list[list[str]]:
    out = []
    for row in rows:
        row = list(row)
        while row and row[-1] == "":
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


def read_both(path: Path, part_bytes: int = 200) -> tuple[list[list[str]], list[list[str]]]:
    """(calamine's rows, the XML reader's rows placed at their row numbers), trailing empty cells dropped."""
    by_calamine, _total = _xlsx_rows(path)
    sheet = xlsx.open_sheet(str(path))
    dense: list[list[str]] = []
    for part in sheet.parts(part_bytes=part_bytes):
        for number, row in xlsx.parse_part(part, sheet.format, sheet.strings()):
            dense.extend([] for _ in range(number - 1 - len(dense)))
            dense.append(row)
    return _trimmed(by_calamine), _trimmed(dense)


def test_numbers_dates_times_and_strings_read_as_calamine_reads_them(tmp_path):
    from openpyxl import Workbook

    values = [
        (0.5, "h:mm"), (1.25, "[h]:mm:ss"), (2.5, "[mm]:ss"), (43832, "yyyy-mm-dd"), (43832.75, "yyyy-mm-dd hh:mm"),
        (43832.123456789, "yyyy-mm-dd hh:mm:ss"), (0.99999999999, "hh:mm:ss"), (45000.5, "mm/dd/yyyy AM/PM"),
        # Excel's 1900 calendar has a 29 February: serials 59, 60 and 61 around it.
        (59, "yyyy-mm-dd"), (60, "yyyy-mm-dd"), (61, "yyyy-mm-dd"), (1, "yyyy-mm-dd"), (0, "yyyy-mm-dd"),
        (-1, "yyyy-mm-dd"), (43832, 'yyyy"年"m"月"d"日"'), (45000.5, "[Red]0.00"), (45000.5, '"d"0'), (45000, "0_d"),
        (1e20, "General"), (123456789012345678, "0"), (-3.0, "General"), (0.1, "General"), (1.5e-7, "General"),
        (110101199003071234, "@"), (True, "General"), (False, "General"), (" 张三 & <x> ", "General"),
        ("a\nb", "General"), ("_x000D_", "General"), ("=1+1", "General"),
        (dt.datetime(2021, 5, 6, 7, 8, 9), "yyyy-mm-dd hh:mm:ss"), (dt.time(13, 14), "h:mm"),
    ]
    wb = Workbook()
    ws = wb.active
    for i, (value, number_format) in enumerate(values, start=1):
        ws.cell(row=i, column=i % 5 + 1, value=value).number_format = number_format
    ws.cell(row=40, column=30, value="far right")
    wb.save(tmp_path / "openpyxl.xlsx")
    by_calamine, by_xml = read_both(tmp_path / "openpyxl.xlsx")
    assert by_xml == by_calamine
    assert by_xml[3][4] == "2020-01-02" and by_xml[0][1] == "12:00:00" and by_xml[1][2] == "1 day, 6:00:00"


def test_shared_and_rich_strings_formulas_errors_and_the_1904_calendar(tmp_path):
    import xlsxwriter

    path = tmp_path / "shared.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"date_1904": True})
    ws = wb.add_worksheet("会员")
    bold = wb.add_format({"bold": True})
    ws.write_row(0, 0, ["姓名", "身份证号", "手机"])
    ws.write_rich_string(1, 0, "a", bold, "张", "b")
    ws.write_string(1, 1, "  110101199003071234 ")
    ws.write_number(1, 2, 13812345678)
    ws.write_datetime(2, 0, dt.datetime(2020, 2, 29), wb.add_format({"num_format": "yyyy/m/d"}))
    ws.write_string(2, 1, "x & y < z > \"q\" 'r'")
    ws.write_string(2, 2, "ctl\x01char")
    ws.write_formula(3, 0, '="a"&"b"', None, "ab")
    ws.write_formula(3, 1, "=1/0", None, "#DIV/0!")
    ws.write_blank(3, 2, None, bold)
    ws.write_number(4, 0, 44000, wb.add_format({"num_format": 31}))  # a built-in Chinese date format
    ws.write_number(4, 1, 0.25, wb.add_format({"num_format": "hh:mm"}))
    ws.write_string(6, 0, "after an empty row")
    wb.close()
    by_calamine, by_xml = read_both(path)
    assert by_xml == by_calamine
    assert by_xml[1] == ["a张b", "110101199003071234", "13812345678"] and by_xml[4][0] == "2024-06-19"


SHEET = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org'
         '/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
         '<dimension ref="A1:F5"/><sheetData>{rows}</sheetData></worksheet>')
STRINGS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
           'spreadsheetml/2006/main" count="6" uniqueCount="6"><si><t>姓名</t></si>'
           '<si><r><rPr><b/></rPr><t xml:space="preserve">王 </t></r><r><t>小明</t></r>'
           '<rPh sb="0" eb="1"><t>wang</t></rPh></si><si/><si><t>a&amp;b&#20013;&#x6587;_x000A_</t></si>'
           '<si><t/></si><si><t>last</t></si></sst>')


def crafted(path: Path, rows: str, strings: str | None = STRINGS) -> Path:
    """A workbook whose sheet XML (and shared strings) are written by hand, in a workbook xlsxwriter made."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.add_worksheet().write_string(0, 0, "x")
    wb.close()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = SHEET.format(rows=rows).encode()
            elif info.filename == "xl/sharedStrings.xml":
                continue
            out.writestr(info, data)
        if strings is not None:
            out.writestr("xl/sharedStrings.xml", strings)
    return path


def test_hand_written_xml_phonetic_runs_entities_iso_dates_and_cells_without_references(tmp_path):
    path = crafted(tmp_path / "crafted.xlsx", (
        '<row spans="1:3" r="1"><c t="s" r="A1"><v>0</v></c><c s="0" r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c t="s"><v>2</v></c><c t="s"><v>3</v></c>'
        '<c t="inlineStr"><is><r><t>x</t></r><r><t xml:space="preserve"> y</t></r></is></c></row>'
        '<row r="3"/><row r="4"><c r="C4" t="s"><v>4</v></c><c r="D4" t="s"><v>5</v></c>'
        '<c r="E4" t="d"><v>2021-03-04T05:06:07</v></c><c r="F4" t="d"><v>2021-03-04</v></c></row>'
        '<row r="5"><c r="A5" t="b"><v>0</v></c><c r="B5"><v>  </v></c><c r="C5" t="n"><v>1.0E3</v></c>'
        '<c r="D5" t="e"><v>#N/A</v></c><c r="E5" t="str"><f>A1</f><v>  s  </v></c></row>'))
    by_calamine, by_xml = read_both(path, part_bytes=60)
    assert by_xml == by_calamine
    assert by_xml[0] == ["姓名", "王 小明"] and by_xml[1] == ["", "a&b中文", "x y"]


@pytest.mark.parametrize(("code", "kind"), [
    ("yyyy-mm-dd", "date"), ("DD/MM/YY", "date"), ("H:MM:SS;@", "date"), ('yyyy"年"m"月"d"日"', "date"),
    ("h AM/PM", "date"), ("[$-804]yyyy/m/d", "date"), ("[h]:mm:ss", "duration"), ("[ss]", "duration"),
    ("General", ""), ("0.00", ""), ("#,##0", ""), ('"d"0', ""), ("0_d", ""), ("\\Y000000", ""), ("#,##0*y", ""),
    ('#,##0.0####" YMD"', ""), ("[Red]0.00", ""), ("0;[Red]yyyy", ""), ('"$"#,##0_);[Red]("$"#,##0)', ""),
])
def test_number_format_codes_that_mean_dates(code, kind):
    assert xlsx.number_format_kind(code) == kind


def test_a_workbook_the_xml_reader_does_not_read_goes_to_calamine(tmp_path):
    """A sheet written with a namespace prefix (as some Java libraries do) is read by calamine instead."""
    path = crafted(tmp_path / "prefixed.xlsx", "", strings=None)
    with zipfile.ZipFile(path) as zf:
        files = {info.filename: zf.read(info.filename) for info in zf.infolist()}
    files["xl/worksheets/sheet1.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><x:sheetData><x:row r="1">'
        + "".join(f'<x:c r="{chr(65 + i)}1" t="inlineStr"><x:is><x:t>{h}</x:t></x:is></x:c>'
                  for i, h in enumerate(MEMBER_HEADERS))
        + "</x:row></x:sheetData></x:worksheet>").encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    with pytest.raises(xlsx.Unsupported):
        xlsx.open_sheet(str(path))
    table = open_table(path, MEMBER_COLUMNS)
    assert table.sheet is None and table.headers[:2] == list(MEMBER_HEADERS[:2])


def test_a_damaged_sheet_refuses_the_file_with_a_clear_message(tmp_path):
    header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                     for i, h in enumerate(MEMBER_HEADERS))
    path = crafted(tmp_path / "damaged.xlsx", f'<row r="1">{header}</row><row><c r="A2"><v>1</v></c></row>',
                   strings=None)
    with pytest.raises(FileRefused, match="cannot be read .a row of the sheet has no row number"):
        open_table(path, MEMBER_COLUMNS)
    table = open_table(crafted(tmp_path / "intact.xlsx", f'<row r="1">{header}</row>', strings=None), MEMBER_COLUMNS)
    with pytest.raises(FileRefused, match="cannot be read .a cell refers to text number 7,"):
        read_part(b'<row r="2"><c r="A2" t="s"><v>7</v></c></row>', table.sheet.format, [], table.width)
    with pytest.raises(FileRefused, match="cannot be read .the sheet is not stored as UTF-8 text"):
        read_part('<row r="2"><c r="A2"><v>1</v></c></row>'.encode("utf-16"), table.sheet.format, [], table.width)


def test_a_row_too_long_to_be_a_row_refuses_the_file(tmp_path, monkeypatch):
    """A sheet whose row never ends (a damaged or hostile file) is refused before it fills the memory."""
    header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                     for i, h in enumerate(MEMBER_HEADERS))
    path = crafted(tmp_path / "endless.xlsx", f'<row r="1">{header}</row><row r="2"><c r="A2" t="inlineStr"><is><t>'
                   + "张" * 400_000 + "</t></is></c></row>", strings=None)
    monkeypatch.setattr(xlsx, "MAX_ITEM_BYTES", 1 << 20)
    monkeypatch.setattr(xlsx, "PART_BYTES", 1000)
    monkeypatch.setattr(xlsx, "_READ_BYTES", 10_000)
    table = open_table(path, MEMBER_COLUMNS)
    with pytest.raises(FileRefused, match="a row of the sheet is longer than 1 MB"):
        list(table.xlsx_parts())
    with pytest.raises(FileRefused, match="a row of the sheet is longer than 1 MB"):
        list(table.rows)


@pytest.mark.django_db(transaction=True)
def test_a_damaged_sheet_fails_the_job_in_chinese_and_writes_nothing(employers, station_user, settings):  # noqa: F811
    """Through the job, with the site language: the workers' message reaches the user in Chinese."""
    from unionserve.members.importing import runner

    settings.LANGUAGE_CODE = "zh-hans"
    header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
                     for i, h in enumerate(MEMBER_HEADERS))
    row = member_row()
    cells = "".join(f'<c r="{chr(65 + i)}{{n}}" t="inlineStr"><is><t>{row[c.key]}</t></is></c>'
                    for i, c in enumerate(MEMBER_COLUMNS))
    rows = "".join(f'<row r="{n}">{cells.format(n=n)}</row>' for n in range(2, 40))
    path = crafted(Path(settings.MEDIA_ROOT).parent / "damaged-job.xlsx",
                   f'<row r="1">{header}</row>{rows}<row r="40"><c r="A40" t="s"><v>3</v></c></row>', strings=None)
    for parallel in (False, True):
        job = do_import(station_user, path.read_bytes(), name="m.xlsx", workers=2, parallel=parallel)
        assert job.status == "failed" and "无法读取该Excel文件" in job.message, job.message
        assert "单元格引用的第3条文本" in job.message, job.message
    assert not Member.objects.exists()
    assert runner.PARALLEL_MIN_ROWS > 38  # the first run above validated here, the second in the workers


def _member_workbook(rows: list[dict]) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})  # shared strings, as Excel writes them
    ws = wb.add_worksheet("会员")
    ws.write_row(0, 0, MEMBER_HEADERS)
    for i, row in enumerate(rows, start=2):  # an empty row 2: row numbers are the sheet's
        ws.write_row(i, 0, [row[c.key] for c in MEMBER_COLUMNS])
    wb.close()
    return buf.getvalue()


@pytest.mark.django_db(transaction=True)
def test_workers_parse_the_parts_of_a_sheet_in_file_order(employers, station_user, monkeypatch):  # noqa: F811
    monkeypatch.setattr(xlsx, "PART_BYTES", 600)  # a part or two per row
    parts_given = []
    sheet_parts = xlsx.Sheet.parts

    def counted(self, part_bytes=None):
        for part in sheet_parts(self, part_bytes):
            parts_given.append(len(part))
            yield part

    monkeypatch.setattr(xlsx.Sheet, "parts", counted)
    from unionserve.members.importing import runner

    def no_rows_from_the_parent(*_args, **_kwargs):
        raise AssertionError("the parent read the sheet's rows and sent them to the workers")

    monkeypatch.setattr(runner, "_chunks", no_rows_from_the_parent)
    rows = [member_row(name=f"张{i}", id_number=make_id(seq=f"{501 + 2 * i:03d}"), card_number=card(500 + i))
            for i in range(8)]
    rows.append(member_row(name="重复", id_number=make_id(seq="501"), card_number=card(499)))
    job = do_import(station_user, _member_workbook(rows), name="m.xlsx", mode="valid_rows", workers=2, parallel=True)
    assert job.status == "done" and job.created == 8 and job.invalid == 1, job.message
    assert len(parts_given) > 4  # the sheet's XML went out in parts (the parent never chunked rows, above)
    ids, names = zip(*Member.objects.order_by("id").values_list("id", "name"), strict=True)
    assert names == tuple(f"张{i}" for i in range(8)) and ids == tuple(range(ids[0], ids[0] + 8))
    from openpyxl import load_workbook

    report = list(load_workbook(job.error_report.path, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert report[1][0] == 11  # the repeated ID's row as the sheet numbers it (header 1, empty row 2)


def test_the_fast_paths_read_rows_as_the_general_reader_does(tmp_path):
    """Rows of plain inline strings, and rows of plain values (shared strings, numbers, dates, styled blanks),
    with and without gaps: the fast paths give what the general reader gives, and calamine agrees."""
    import xlsxwriter

    date = None
    for name, options in (("inline", {"constant_memory": True}), ("shared", {})):
        path = tmp_path / f"{name}.xlsx"
        wb = xlsxwriter.Workbook(str(path), options)
        ws = wb.add_worksheet()
        date = wb.add_format({"num_format": "yyyy-mm-dd"})
        blank = wb.add_format({"bold": True})
        for r in range(40):
            ws.write_string(r, 0, f"张{r}")
            ws.write_string(r, 1, make_id(seq=f"{r:03d}"))
            if r % 3:
                ws.write_string(r, 2, f" 空格 {r} " if r % 5 == 0 else "")  # gaps, and cells to trim
            if r % 4 == 0:
                ws.write_number(r, 3, 13800000000 + r)
                ws.write_datetime(r, 4, dt.datetime(2020, 1, 1) + dt.timedelta(days=r), date)
                ws.write_blank(r, 5, None, blank)
            ws.write_string(r, 6, "末列")
        wb.close()
        sheet = xlsx.open_sheet(str(path))
        strings = xlsx.load_strings(sheet.format)
        cells = xlsx._Cells(sheet.format, strings)
        for part in sheet.parts(part_bytes=300):
            assert xlsx.parse_part(part, sheet.format, strings) == xlsx._parse_general(part.decode(), cells)
        by_calamine, by_xml = read_both(path)
        assert by_xml == by_calamine, name
        assert by_xml[5][2] == "空格 5" and by_xml[4][4] == "2020-01-05"


def test_string_table_loads_as_far_as_asked(tmp_path):
    path = crafted(tmp_path / "strings.xlsx", '<row r="1"><c r="A1" t="s"><v>5</v></c></row>')
    sheet = xlsx.open_sheet(str(path))
    table = xlsx.StringTable(sheet.format)
    assert table[1] == "王 小明" and table[5] == "last" and table[2] == ""
    with pytest.raises(IndexError):
        table[6]
    assert xlsx.load_strings(sheet.format) == ["姓名", "王 小明", "", "a&b中文", "", "last"]  # trimmed, as cells are


@pytest.mark.parametrize("inline", [False, True])
def test_rows_as_excel_and_xlsxwriter_write_them_take_a_fast_path(tmp_path, monkeypatch, inline):
    """The speed of a big import rests on this: rows of text, gaps included, take the split (inline strings) or
    the one-pattern read (shared strings), never the general or cell-by-cell readers."""
    import xlsxwriter

    path = tmp_path / "fast.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": inline})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, MEMBER_HEADERS)
    for r in range(1, 30):
        row = member_row(name=f"张{r}", card_number="" if r % 2 else card(r))
        for c, column in enumerate(MEMBER_COLUMNS):
            if row[column.key]:  # empty cells left out, as Excel does
                ws.write_string(r, c, row[column.key])
    wb.close()
    slow = []  # the general reader, and the cell-by-cell reader of other plain values
    for name in ("_parse_general", "_plain_row"):
        monkeypatch.setattr(xlsx, name, lambda *a, _f=getattr(xlsx, name), _n=name: slow.append(_n) or _f(*a))
    sheet = xlsx.open_sheet(str(path))
    strings = xlsx.load_strings(sheet.format)
    rows = [row for part in sheet.parts(part_bytes=500) for row in xlsx.parse_part(part, sheet.format, strings)]
    assert len(rows) == 30 and rows[1][1][0] == "张1" and not slow


class _Panic(BaseException):
    """Stands for pyo3's PanicException: a Rust panic inside calamine is a BaseException, not an Exception."""


@pytest.mark.parametrize("when", ["opening", "reading a row"])
def test_a_calamine_panic_refuses_the_file_instead_of_escaping_the_job(tmp_path, monkeypatch, when):
    import python_calamine

    def rows():
        yield ["姓名"]
        raise _Panic("date out of range")

    class Sheet:
        total_height = height = 2

        def iter_rows(self):
            return rows()

    class Workbook:
        sheet_names = ["Sheet1"]

        @staticmethod
        def from_path(path):
            if when == "opening":
                raise _Panic("index out of bounds")
            return Workbook()

        def get_sheet_by_index(self, index):
            return Sheet()

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Workbook)
    with pytest.raises(FileRefused, match="date out of range|index out of bounds"):
        raw, _total = _xlsx_rows(tmp_path / "x.xls")
        list(raw)
