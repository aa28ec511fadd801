"""An administrator enters a year's State Council holiday schedule: by form rows or by file (CSV/XLSX).

All or nothing: every row is checked first and any problem is reported (in Chinese, with the row
and what to fix); nothing is saved unless every row is right. Once saved the year is official
(source "admin"), the in-memory calendar is reloaded and ``calendar_changed`` is sent after commit.

A State Council notice for year Y may also move late-December days of Y-1 (the New Year holiday:
e.g. 2018-12-29 worked, 2018-12-30/31 off in the 2019 notice). Such rows are accepted when Y-1 already
has an official schedule and are merged into Y-1; every other date must lie in Y.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import service
from .models import CalendarDay, CalendarYear, DayKind, YearSource
from .signals import calendar_changed
from .statutory import MAX_YEAR, festivals

MIN_SCHEDULE_YEAR = 2004
#: First year of the 2024 revision of the holiday rules that ``statutory.festivals`` implements.
STATUTORY_RULES_FROM = 2025
MAX_UPLOAD_BYTES = 1024 * 1024
MAX_ROWS = 1000
NAME_MAX = 60

#: Accepted spellings of the kind column (compared lower-cased, stripped).
KIND_WORDS = {
    "holiday": DayKind.HOLIDAY,
    "off": DayKind.HOLIDAY,
    "rest": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "休息": DayKind.HOLIDAY,
    "假": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY,
    "work": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY,
    "调休上班": DayKind.WORKDAY,
}
#: Accepted header names per column.
HEADERS = {
    "date": ("date", "日期"),
    "kind": ("kind", "type", "类型", "类别"),
    "name": ("name", "名称", "节日", "节日名称", "说明"),
}
TEMPLATE_HEADER = ["date", "kind", "name"]

_DATE_RE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_COMPACT_DATE_RE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")


@dataclass(frozen=True)
class ScheduleRow:
    """One day of a schedule, with where it came from ("第3行", "假期第2行（春节）") for error messages."""

    date: datetime.date
    kind: str
    name: str
    where: str


class ScheduleError(Exception):
    """The schedule has problems; ``errors`` lists each one in Chinese. Nothing was saved."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ApplyResult:
    """What saving a schedule did."""

    year: CalendarYear
    years_changed: list[int]
    days_saved: int
    #: Non-blocking remarks, e.g. a statutory holiday date the schedule does not give off.
    warnings: list[str] = field(default_factory=list)


# --- parsing -----------------------------------------------------------------------------------


def parse_date(value: object) -> datetime.date | None:
    """A date from a cell: a date/datetime, or text like 2027-02-05, 2027/2/5, 2027年2月5日, 20270205."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if value is None:
        return None
    text = str(value).strip()
    if text.endswith(" 00:00:00"):  # a date cell written out by a spreadsheet as text
        text = text[:-9]
    match = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def parse_kind(value: object) -> str | None:
    """holiday/休 → "holiday", workday/班 → "workday", else None."""
    if value is None:
        return None
    return KIND_WORDS.get(str(value).strip().lower())


def _cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _decode_csv(data: bytes) -> str:
    # Excel in China saves CSV as GB18030/GBK unless told otherwise; UTF-8 (with or without BOM) first.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ScheduleError(["文件编码无法识别：请将CSV文件另存为UTF-8编码，或直接上传XLSX文件。"])


def read_table(data: bytes, filename: str) -> list[tuple[int, list[object]]]:
    """The rows of an uploaded CSV or XLSX file as (row number, cells), blank rows left out."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ScheduleError(["文件太大（超过1MB）：一年的放假安排只需几十行，请检查是否上传了正确的文件。"])
    lower = filename.lower()
    if lower.endswith(".csv"):
        rows = list(csv.reader(io.StringIO(_decode_csv(data))))
        table: list[tuple[int, list[object]]] = [(i, list(row)) for i, row in enumerate(rows, start=1)]
    elif lower.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds of errors for a damaged file
            raise ScheduleError(["XLSX文件无法打开：请确认文件未损坏，并按模板保存为.xlsx格式。"]) from exc
        try:
            sheet = workbook.worksheets[0]
            table = [(i, list(row)) for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
        finally:
            workbook.close()
    else:
        raise ScheduleError(["文件类型不支持：请上传.csv或.xlsx文件（可先下载模板）。"])
    return [(i, row) for i, row in table if any(_cell_text(cell) for cell in row)]


def rows_from_table(table: list[tuple[int, list[object]]]) -> list[ScheduleRow]:
    """Turn file rows (header first: date, kind, name) into schedule rows; raise ScheduleError listing every bad row."""
    if not table:
        raise ScheduleError(["文件中没有内容：请按模板填写表头（date, kind, name）和每个日期一行。"])
    header_no, header = table[0]
    names = [_cell_text(cell).lower() for cell in header]
    columns: dict[str, int] = {}
    for key, accepted in HEADERS.items():
        for index, text in enumerate(names):
            if text in accepted:
                columns[key] = index
                break
    missing = [key for key in ("date", "kind") if key not in columns]
    if missing:
        raise ScheduleError(
            [
                f"第{header_no}行应为表头，缺少列：{', '.join(missing)}。"
                "请使用模板的表头：date（日期）、kind（类型：holiday/休 或 workday/班）、name（名称）。"
            ]
        )
    if len(table) - 1 > MAX_ROWS:
        raise ScheduleError([f"行数过多（{len(table) - 1}行，上限{MAX_ROWS}行）：请只填写当年的放假和调休上班日期。"])

    def cell(row: list[object], key: str) -> object:
        index = columns.get(key)
        return row[index] if index is not None and index < len(row) else None

    rows: list[ScheduleRow] = []
    errors: list[str] = []
    for number, row in table[1:]:
        where = f"第{number}行"
        raw_date, raw_kind = cell(row, "date"), cell(row, "kind")
        day, kind = parse_date(raw_date), parse_kind(raw_kind)
        problems = []
        if day is None:
            shown = _cell_text(raw_date)
            problems.append(
                f"日期“{shown}”无法识别，请填写为2027-02-05这样的格式"
                if shown
                else "日期为空，请填写日期（如2027-02-05）"
            )
        if kind is None:
            shown = _cell_text(raw_kind)
            problems.append(
                f"类型“{shown}”无法识别，请填写holiday（或“休”）表示放假、workday（或“班”）表示调休上班"
                if shown
                else "类型为空，请填写holiday（或“休”）或workday（或“班”）"
            )
        if problems:
            errors.append(f"{where}：{'；'.join(problems)}。")
            continue
        assert day is not None and kind is not None  # else a problem was recorded above
        rows.append(ScheduleRow(day, kind, _cell_text(cell(row, "name")), where))
    if errors:
        raise ScheduleError(errors)
    return rows


# --- checking and saving -----------------------------------------------------------------------


def validate_schedule(year: int, rows: list[ScheduleRow]) -> list[str]:
    """Every problem with ``rows`` as the schedule of ``year``, in Chinese; empty when it can be saved.

    A form row stands for a whole holiday period, so the same problem on several of its dates is
    reported once, with the dates folded ("2027-02-05至2027-02-11"); file rows are one date each.
    """
    if not MIN_SCHEDULE_YEAR <= year <= MAX_YEAR:
        return [f"年份{year}超出范围：请填写{MIN_SCHEDULE_YEAR}至{MAX_YEAR}之间的年份。"]
    # (where, problem, detail) -> dates, in the order first met; rendered after the loop.
    problems: dict[tuple[str, str, str], list[datetime.date]] = {}

    def add(row: ScheduleRow, problem: str, detail: str = "") -> None:
        problems.setdefault((row.where, problem, detail), []).append(row.date)

    previous_official = service.is_official_year(year - 1)
    seen: dict[datetime.date, str] = {}
    for row in rows:
        day = row.date
        if day.year != year:
            if day.year == year - 1 and day.month == 12:
                if not previous_official:
                    add(row, "previous_year_missing")
            else:
                add(row, "other_year")
        if day in seen:
            add(row, "duplicate", seen[day])
        else:
            seen[day] = row.where
        if row.kind == DayKind.WORKDAY and day.weekday() < 5:
            add(row, "weekday_workday")
        if row.kind == DayKind.HOLIDAY and not row.name:
            add(row, "no_name")
        if len(row.name) > NAME_MAX:
            add(row, "long_name")

    errors: list[str] = []
    if not any(row.kind == DayKind.HOLIDAY for row in rows):
        errors.append("安排中没有任何放假日期：请至少填写一个放假日期（类型holiday/休）。")
    for (where, problem, detail), dates in problems.items():
        shown = "、".join(_range_text(first, last) for first, last in service.fold_dates(dates))
        if problem == "previous_year_missing":
            text = f"{shown}属于{year - 1}年，而{year - 1}年尚无正式安排；请先录入{year - 1}年的安排，或删除此行。"
        elif problem == "other_year":
            text = (
                f"日期{shown}不属于{year}年；请检查年份"
                f"（只接受{year}年的日期，以及为元旦假期调整的{year - 1}年12月的日期）。"
            )
        elif problem == "duplicate":
            text = f"日期{shown}与{detail}重复，请只保留一行。"
        elif problem == "weekday_workday":
            weekdays = "、".join(sorted({service.WEEKDAYS_ZH[d.weekday()] for d in dates}))
            text = f"{shown}是{weekdays}，本来就是工作日；调休上班日应为星期六或星期日，请检查日期或类型。"
        elif problem == "no_name":
            text = f"放假日期{shown}缺少名称，请填写节日名称（如“春节”）。"
        else:
            text = f"名称过长，请控制在{NAME_MAX}字以内。"
        errors.append(f"{where}：{text}")
    return errors


def _range_text(first: datetime.date, last: datetime.date) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()}至{last.isoformat()}"


def statutory_gaps(year: int, rows: list[ScheduleRow]) -> list[str]:
    """Remarks for statutory holiday dates that the schedule does not give off (probably a typo)."""
    if year < STATUTORY_RULES_FROM:
        return []  # earlier years followed earlier versions of the rules
    off = {row.date for row in rows if row.kind == DayKind.HOLIDAY}
    try:
        expected = festivals(year)
    except ValueError:
        return []
    return [
        f"注意：{day.isoformat()}（{name}）是法定节假日，但安排中未列为放假日期，请核对通知。"
        for name, days in expected
        for day in days
        if day not in off
    ]


def apply_schedule(
    year: int,
    rows: list[ScheduleRow],
    *,
    user=None,
    request=None,
    note: str = "",
    replace: bool = False,
) -> ApplyResult:
    """Save ``rows`` as the official schedule of ``year`` (all or nothing).

    Raises ScheduleError (nothing saved) when a row is wrong, or when the year already has an official
    schedule and ``replace`` is False. Records who entered it and when, writes an audit event, and
    sends ``calendar_changed(years=[...])`` once the transaction commits.
    """
    errors = validate_schedule(year, rows)
    with transaction.atomic():
        existing = CalendarYear.objects.select_for_update().filter(year=year).first()
        if existing is not None and existing.is_official and not replace:
            errors.insert(
                0,
                f"{year}年已有正式安排（{existing.get_source_display()}）；如需更正，请勾选“替换现有安排”后再提交。",
            )
        if errors:
            raise ScheduleError(errors)
        now = timezone.now()
        row, _ = CalendarYear.objects.get_or_create(year=year)
        row.source = YearSource.ADMIN
        row.entered_by = user if getattr(user, "is_authenticated", False) else None
        row.entered_at = now
        row.note = note[:200]
        row.revision = F("revision") + 1
        row.save()
        row.refresh_from_db()
        in_year = [r for r in rows if r.date.year == year]
        before = [r for r in rows if r.date.year == year - 1]
        # Bulk writes send no per-row signals; the revision bump above and clear_cache() below cover them.
        CalendarDay.objects.filter(calendar_year=row).delete()
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(calendar_year=row, date=r.date, kind=r.kind, name=r.name)
                for r in sorted(in_year, key=_by_date)
            ]
        )
        changed = [year]
        if before:
            previous = CalendarYear.objects.get(year=year - 1)
            CalendarDay.objects.filter(date__in=[r.date for r in before]).delete()
            CalendarDay.objects.bulk_create(
                [CalendarDay(calendar_year=previous, date=r.date, kind=r.kind, name=r.name) for r in before]
            )
            CalendarYear.objects.filter(pk=previous.pk).update(revision=F("revision") + 1, updated_at=now)
            changed.insert(0, year - 1)
        _audit(row, user, request, len(rows), replaced=existing is not None and existing.is_official)
        service.clear_cache()
        transaction.on_commit(lambda: calendar_changed.send(sender=CalendarYear, years=changed))
    return ApplyResult(year=row, years_changed=changed, days_saved=len(rows), warnings=statutory_gaps(year, rows))


def _by_date(row: ScheduleRow) -> datetime.date:
    return row.date


def _audit(row: CalendarYear, user, request, days: int, *, replaced: bool) -> None:
    """Record the change in the audit log (who changed the calendar is asked after every dispute)."""
    from unionserve.audit.log import record
    from unionserve.audit.models import AuditAction

    actor = user if getattr(user, "is_authenticated", False) else None
    record(
        AuditAction.CALENDAR_CHANGED,
        actor=actor,
        request=request,
        obj=row,
        detail={"year": row.year, "days": days, "replaced": replaced},
    )


def apply_upload(year: int, data: bytes, filename: str, **kwargs) -> ApplyResult:
    """Read a CSV/XLSX upload and save it as ``year``'s schedule (see ``apply_schedule``)."""
    return apply_schedule(year, rows_from_table(read_table(data, filename)), **kwargs)


# --- templates ---------------------------------------------------------------------------------


def _example_rows(year: int) -> list[list[str]]:
    """Example rows for the instructions: a real official year if one is known."""
    sample = 2026 if service.is_official_year(2026) else year
    return [[d.date.isoformat(), "holiday" if not d.working else "workday", d.name] for d in service.year_days(sample)][
        :12
    ]


def template_csv() -> bytes:
    """A CSV template: the header only, UTF-8 with BOM so that Excel opens it correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TEMPLATE_HEADER)
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(year: int) -> bytes:
    """An XLSX template: sheet 1 to fill in (header only), sheet 2 with instructions and examples."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "schedule"
    sheet.append(TEMPLATE_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 20
    help_sheet = workbook.create_sheet("说明")
    for line in [
        [f"{year}年放假安排模板：在第一个工作表“schedule”中每个日期填一行，只读取第一个工作表。"],
        ["date：日期，如2027-02-05（可用日期格式的单元格）。"],
        ["kind：holiday（或“休”）表示放假，含假期内的周末；workday（或“班”）表示调休上班的周六或周日。"],
        ["name：节日名称，如“春节”；放假日期必须填写。"],
        ["整份文件全部正确才会保存；任何一行有误，都不会保存，并列出需要更正的行。"],
        [],
        ["示例："],
        TEMPLATE_HEADER,
        *_example_rows(year),
    ]:
        help_sheet.append(line)
    help_sheet.column_dimensions["A"].width = 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
