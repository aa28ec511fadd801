"""Entering a year's schedule: parsing CSV/XLSX, all-or-nothing checks, replacing, templates, warnings."""

from __future__ import annotations

import datetime
import io

import pytest
from openpyxl import Workbook, load_workbook

from unionserve.workcalendar import service
from unionserve.workcalendar.models import CalendarDay, CalendarYear, DayKind, YearSource
from unionserve.workcalendar.schedule import (
    ScheduleError,
    ScheduleRow,
    apply_schedule,
    apply_upload,
    parse_date,
    parse_kind,
    template_csv,
    template_xlsx,
)

pytestmark = pytest.mark.django_db

D = datetime.date

GOOD_ROWS = [
    ["2027-01-01", "holiday", "元旦"],
    ["2027-02-05", "休", "春节"],
    ["2027-02-06", "休", "春节"],
    ["2027-02-07", "休", "春节"],
    ["2027-02-08", "休", "春节"],
    ["2027-02-20", "班", "春节"],
]


def xlsx(rows: list[list[object]], header=("date", "kind", "name")) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[str]], header=("date", "kind", "name"), encoding="utf-8-sig") -> bytes:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def test_parse_date_and_kind():
    assert parse_date("2027-02-05") == D(2027, 2, 5)
    assert parse_date("2027/2/5") == D(2027, 2, 5)
    assert parse_date("2027年2月5日") == D(2027, 2, 5)
    assert parse_date("20270205") == D(2027, 2, 5)
    assert parse_date(datetime.datetime(2027, 2, 5)) == D(2027, 2, 5)
    assert parse_date("2027-02-30") is None and parse_date("soon") is None
    assert parse_kind("休") == parse_kind("Holiday") == DayKind.HOLIDAY
    assert parse_kind("班") == parse_kind(" workday ") == DayKind.WORKDAY
    assert parse_kind("x") is None


def test_xlsx_upload_with_date_cells_saves_the_year(signal_log, django_capture_on_commit_callbacks):
    rows = [[D(2027, 1, 1), "holiday", "元旦"], [datetime.datetime(2027, 2, 5), "休", "春节"], ["2027-02-20", "班", ""]]
    with django_capture_on_commit_callbacks(execute=True):
        result = apply_upload(2027, xlsx(rows), "2027.XLSX")
    assert result.days_saved == 3 and signal_log == [[2027]]
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", "kind")) == [
        (D(2027, 1, 1), "holiday"),
        (D(2027, 2, 5), "holiday"),
        (D(2027, 2, 20), "workday"),
    ]
    # Statutory days the file does not give off are pointed out (not blocking).
    assert any("2027-10-01（国庆节）" in warning for warning in result.warnings)


def test_csv_upload_in_gbk_with_chinese_headers():
    data = csv_bytes(GOOD_ROWS, header=("日期", "类型", "名称"), encoding="gb18030")
    apply_upload(2027, data, "2027.csv")
    assert CalendarYear.objects.get(year=2027).source == YearSource.ADMIN
    assert CalendarDay.objects.get(date=D(2027, 2, 20)).kind == DayKind.WORKDAY


def test_bad_rows_save_nothing_and_say_what_to_fix():
    count = CalendarDay.objects.count()
    rows = [
        *GOOD_ROWS,  # rows 2–7 are fine
        ["2027-02-30", "休", "春节"],  # row 8: no such date
        ["2027-02-09", "maybe", "春节"],  # row 9: unknown kind
        ["2028-01-01", "休", "元旦"],  # row 10: another year
        ["2027-02-05", "休", "春节"],  # row 11: duplicate of row 3
        ["2027-02-10", "班", "春节"],  # row 12: a Wednesday as an adjusted working day
        ["2027-02-11", "休", ""],  # row 13: holiday without a name
        ["", "休", "春节"],  # row 14: no date
    ]
    with pytest.raises(ScheduleError) as caught:
        apply_upload(2027, xlsx(rows), "2027.xlsx")
    errors = caught.value.errors
    text = "\n".join(errors)
    assert "第8行" in text and "2027-02-30" in text
    assert "第9行" in text and "maybe" in text
    # Rows that cannot be read are reported before the schedule checks run.
    assert len(errors) == 3 and "第14行" in text
    assert CalendarDay.objects.count() == count
    assert not service.is_official_year(2027)

    readable = [r for r in rows if r[0] and r[0] != "2027-02-30" and r[1] != "maybe"]
    with pytest.raises(ScheduleError) as caught:
        apply_upload(2027, csv_bytes(readable), "2027.csv")
    text = "\n".join(caught.value.errors)
    assert "第8行：日期2028-01-01不属于2027年" in text
    assert "第9行：日期2027-02-05与第3行重复" in text
    assert "第10行：2027-02-10是星期三" in text
    assert "第11行：放假日期2027-02-11缺少名称" in text
    assert len(caught.value.errors) == 4
    assert CalendarDay.objects.count() == count
    assert not CalendarYear.objects.filter(year=2027, source=YearSource.ADMIN).exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"whatever", "2027.txt", "文件类型不支持"),
        (b"not a zip", "2027.xlsx", "XLSX文件无法打开"),
        (b"", "2027.csv", "文件中没有内容"),
        ("2027-01-01,holiday,元旦\r\n".encode(), "2027.csv", "应为表头"),
    ],
)
def test_unreadable_files(data, name, message):
    with pytest.raises(ScheduleError) as caught:
        apply_upload(2027, data, name)
    assert message in caught.value.errors[0]


def test_an_official_year_is_replaced_only_when_asked():
    with pytest.raises(ScheduleError) as caught:
        apply_upload(2026, csv_bytes([["2026-01-01", "休", "元旦"]]), "2026.csv")
    assert "2026年已有正式安排" in caught.value.errors[0]
    assert service.is_working_day(D(2026, 2, 28))  # untouched
    apply_upload(2026, csv_bytes([["2026-01-01", "休", "元旦"]]), "2026.csv", replace=True)
    assert service.is_working_day(D(2026, 1, 2)) and not service.is_working_day(D(2026, 1, 1))
    assert CalendarYear.objects.get(year=2026).source == YearSource.ADMIN


def test_late_december_rows_of_the_previous_year_are_merged_into_it(signal_log, django_capture_on_commit_callbacks):
    rows = [
        ScheduleRow(D(2026, 12, 26), DayKind.WORKDAY, "元旦", "第2行"),
        ScheduleRow(D(2026, 12, 31), DayKind.HOLIDAY, "元旦", "第3行"),
        ScheduleRow(D(2027, 1, 1), DayKind.HOLIDAY, "元旦", "第4行"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        result = apply_schedule(2027, rows)
    assert result.years_changed == [2026, 2027] and signal_log == [[2026, 2027]]
    assert CalendarDay.objects.get(date=D(2026, 12, 31)).calendar_year.year == 2026
    assert not service.is_working_day(D(2026, 12, 31))
    assert service.is_working_day(D(2026, 12, 26))
    assert CalendarYear.objects.get(year=2026).source == YearSource.PACKAGE  # still the package's year


def test_late_december_rows_need_the_previous_year_to_be_official():
    rows = [
        ScheduleRow(D(2027, 12, 31), DayKind.HOLIDAY, "元旦", "第2行"),
        ScheduleRow(D(2028, 1, 1), DayKind.HOLIDAY, "元旦", "第3行"),
    ]
    with pytest.raises(ScheduleError) as caught:
        apply_schedule(2028, rows)
    assert "请先录入2027年的安排" in caught.value.errors[0]


def test_entry_is_recorded_in_the_audit_log():
    from unionserve.audit.models import AuditAction, AuditEvent

    apply_upload(2027, csv_bytes(GOOD_ROWS), "2027.csv", note="国办发明电")
    event = AuditEvent.objects.get(action=AuditAction.CALENDAR_CHANGED)
    assert event.detail["year"] == 2027 and event.detail["days"] == len(GOOD_ROWS)
    assert CalendarYear.objects.get(year=2027).note == "国办发明电"


def test_templates_have_the_header_and_can_be_filled_and_uploaded():
    assert template_csv().decode("utf-8-sig").strip() == "date,kind,name"
    workbook = load_workbook(io.BytesIO(template_xlsx(2027)))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == ["date", "kind", "name"]
    assert sheet.max_row == 1  # nothing to upload by mistake
    assert "说明" in workbook.sheetnames
    for row in GOOD_ROWS:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    apply_upload(2027, buffer.getvalue(), "filled.xlsx")
    assert service.is_official_year(2027)


def test_missing_schedule_warning():
    warning = service.missing_schedule_warning(D(2026, 11, 26))
    assert warning is not None and "2027" in warning
    assert service.missing_schedule_warning(D(2026, 11, 1)) is not None
    assert service.missing_schedule_warning(D(2026, 10, 31)) is None
    assert "2027" in service.missing_schedule_warning(D(2027, 1, 5))  # the year itself has begun
    apply_upload(2027, csv_bytes(GOOD_ROWS), "2027.csv")
    assert service.missing_schedule_warning(D(2026, 11, 26)) is None


def test_missing_schedule_warning_defaults_to_today():
    # Today (in this deployment's clock) decides; it must not raise whatever the date.
    result = service.missing_schedule_warning()
    assert result is None or isinstance(result, str)
