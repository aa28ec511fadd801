"""Card swipe files (刷卡记录) from the bank or a merchant → served visits, once per member, project and day.

A file is CSV (UTF-8, with or without BOM, or GB18030 as a Chinese Excel saves it) or XLSX (the first sheet).
Its header row names the columns (any order; Chinese or English names, see ``COLUMNS`` and docs/visits.md):
card number, swipe time, merchant/project code, optionally the amount. Each row is one swipe:

1. the card number is looked up (``cards.public.cards_by_numbers``, one query per chunk of ``CHUNK`` rows):
   unknown, or a member outside the importer's scope → "unknown card"; a card not usable on the swipe's day
   (not issued yet, ended) → its own error;
2. the swipe time gives the day (bad or future dates refused); the code gives the service "project:<code>";
3. the visits are inserted in bulk with ``ON CONFLICT DO NOTHING`` on the ledger's unique key (member, service,
   day): a second swipe the same day at the same project, a swipe already counted by an earlier file (the same
   file imported twice), add nothing. The database says how many rows it inserted; the rest were already counted.

Rows with errors are skipped and listed in the error report (row, column, value, error), like the register's
import; the rest of the file is imported. A file that cannot be read at all (no header, a missing column,
not CSV or XLSX) is refused as a whole and adds nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionserve.cards.public import CardRef, cards_by_numbers
from unionserve.core.scope import Scope
from unionserve.orgs.models import OrgUnit

from .models import ServedVisit, SwipeImport, VisitKind

#: Rows looked up and inserted together: one card query and one INSERT per chunk.
CHUNK = 5_000
#: The error report keeps this many rows (the counts keep them all).
MAX_REPORTED = 10_000
#: The largest file accepted (a bank's month is about 160,000 visits: seed 004 月均服务职工15.83万人次).
MAX_ROWS = 2_000_000
#: A swipe older than this is refused as a bad date (the card service began in 2013).
FIRST_DAY = dt.date(2013, 1, 1)
MAX_AMOUNT = Decimal("1000000")

CARD, TIME, CODE, AMOUNT = "card", "time", "code", "amount"
#: The columns and the header names accepted for each (compared trimmed and lower-case).
COLUMNS: dict[str, tuple[str, ...]] = {
    CARD: ("卡号", "会员卡号", "card number", "card_number", "card"),
    TIME: ("刷卡时间", "交易时间", "swipe time", "swipe_time", "time"),
    CODE: ("商户/项目代码", "项目代码", "商户代码", "merchant/project code", "project code", "merchant code",
           "project_code", "code"),
    AMOUNT: ("金额", "交易金额", "amount"),
}
REQUIRED = (CARD, TIME, CODE)
COLUMN_LABELS = {CARD: gettext_lazy("Card number"), TIME: gettext_lazy("Swipe time"),
                 CODE: gettext_lazy("Merchant/project code"), AMOUNT: gettext_lazy("Amount")}

_CARD_RE = re.compile(r"^\d{12,19}$")
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
_TIME_RE = re.compile(r"([01]?\d|2[0-3]):?[0-5]\d(:?[0-5]\d(\.\d+)?)?")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d")


class FileRefused(ValueError):
    """The file cannot be imported at all (the message says why, in the user's language)."""


@dataclass
class Outcome:
    """What an import did: counts and the reported errors."""

    rows: int = 0
    valid_rows: int = 0
    visits_added: int = 0
    error_rows: int = 0
    errors: list[tuple[int, str, str, str]] = field(default_factory=list)

    def error(self, row: int, column: str, value: str, message: str) -> None:
        self.error_rows += 1
        if len(self.errors) < MAX_REPORTED:
            self.errors.append((row, str(COLUMN_LABELS.get(column, column)), value[:100], message))


# --- reading --------------------------------------------------------------------------------------------


def _is_xlsx(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


def _csv_rows(path: Path) -> Iterator[list[str]]:
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if b"\x00" in head:
        raise FileRefused(_("The file is neither a CSV nor an XLSX file."))
    encoding = "utf-8-sig"
    try:
        head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # A cut multi-byte character at the end of the sample is still UTF-8.
        if exc.start < len(head) - 4:
            encoding = "gb18030"
    with open(path, encoding=encoding, newline="", errors="strict") as fh:
        try:
            yield from csv.reader(fh)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise FileRefused(_("The CSV file cannot be read (%(error)s).") % {"error": str(exc)[:120]}) from exc


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise FileRefused(_("The workbook has no sheet."))
        rows = workbook.get_sheet_by_index(0).iter_rows()
        for row in rows:
            yield [_cell(v) for v in row]
    except FileRefused:
        raise
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # calamine raises several types, a Rust panic included: the file is refused
        raise FileRefused(_("The Excel file cannot be read (%(error)s). Save it again as .xlsx and retry.")
                          % {"error": str(exc)[:120]}) from exc


def read_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """The file's data rows as (row number, [card, time, code, amount]); refuses a file without the columns."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    raw = _xlsx_rows(path) if _is_xlsx(head) else _csv_rows(path)
    number = 0
    headers: list[str] | None = None
    for number, row in enumerate(raw, start=1):  # noqa: B007 - the header's row number counts on
        if any(c.strip() for c in row):
            headers = [c.strip().lower() for c in row]
            break
    if headers is None:
        raise FileRefused(_("The file has no header row."))
    positions: dict[str, int] = {}
    for column, names in COLUMNS.items():
        for i, header in enumerate(headers):
            if header in names:
                positions[column] = i
                break
    missing = [str(COLUMN_LABELS[c]) for c in REQUIRED if c not in positions]
    if missing:
        raise FileRefused(_("The header row lacks the columns: %(columns)s. See the column names on the import "
                            "page.") % {"columns": "、".join(missing)})
    order = [positions[CARD], positions[TIME], positions[CODE], positions.get(AMOUNT, -1)]
    width = max(order) + 1
    for line, row in enumerate(raw, start=number + 1):
        if len(row) < width:
            if not any(c.strip() for c in row):
                continue
            row = row + [""] * (width - len(row))
        yield line, [row[i].strip() if i >= 0 else "" for i in order]


# --- validating ------------------------------------------------------------------------------------------


class _Days:
    """Swipe times → days, cached by their date part (a file has a few dozen distinct days)."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.cache: dict[str, dt.date | None] = {}

    def __call__(self, text: str) -> dt.date | None:
        if " " in text or "T" in text:
            part, rest = re.split(r"[ T]", text, maxsplit=1)
        elif len(text) == 14 and text.isdigit():
            part, rest = text[:8], text[8:]
        else:
            part, rest = text, ""
        if part in self.cache:
            day = self.cache[part]
        else:
            day = None
            for fmt in _DATE_FORMATS:
                try:
                    day = dt.datetime.strptime(part, fmt).date()  # noqa: DTZ007 - a day, no time zone
                    break
                except ValueError:
                    continue
            if day is not None and not FIRST_DAY <= day <= self.today:
                day = None
            self.cache[part] = day
        # What follows the day must be a time of day (HH:MM[:SS]) when anything is there.
        if day is None or (rest and not _TIME_RE.fullmatch(rest.strip())):
            return None
        return day


def _amount_ok(text: str) -> bool:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return False
    return value.is_finite() and Decimal(0) <= value <= MAX_AMOUNT


#: The ledger's table name is ours, not input; ON CONFLICT DO NOTHING is the same on SQLite and PostgreSQL.
_INSERT = (f"INSERT INTO {ServedVisit._meta.db_table} (member_id, day, service, kind, grassroots_id, "  # noqa: S608
           "source, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING")


def insert_visits(rows: list[tuple]) -> int:
    """Insert (member_id, day, service, kind, grassroots_id, source) rows, skipping those already counted;
    returns how many the database inserted. Dates are adapted for the backend here."""
    if not rows:
        return 0
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    days: dict[dt.date, object] = {}
    params: list[tuple[Any, ...]] = []
    for member_id, day, service, kind, grassroots_id, source in rows:
        adapted = days.get(day)
        if adapted is None:
            adapted = days[day] = ops.adapt_datefield_value(day)
        params.append((member_id, adapted, service, kind, grassroots_id, source, now))
    with connection.cursor() as cursor:
        cursor.executemany(_INSERT, params)
        return max(cursor.rowcount, 0)


def allowed_grassroots(scope: Scope) -> set[int] | None:
    """The grassroots unions whose members' swipes the importer may record (None: every one)."""
    if scope.everything:
        return None
    return set(scope.filter(OrgUnit.objects.all()).values_list("pk", flat=True))


def import_rows(rows: Iterator[tuple[int, list[str]]], *, source: str, scope: Scope, outcome: Outcome,
                today: dt.date | None = None) -> None:
    """Validate and insert the rows, a chunk at a time, counting into `outcome` (inside the caller's
    transaction)."""
    days = _Days(today or timezone.localdate())
    allowed = allowed_grassroots(scope)
    seen: set[tuple[int, str, dt.date]] = set()
    chunk: list[tuple[int, list[str]]] = []

    def flush() -> None:
        cards: dict[str, CardRef] = cards_by_numbers(r[1][0] for r in chunk)
        visits = []
        for number, (card_no, when, code, _amount) in chunk:
            card = cards.get(card_no)
            if card is None or (allowed is not None and card.grassroots_id not in allowed):
                outcome.error(number, CARD, card_no, _("Unknown card number."))
                continue
            day = days(when)
            if day is None:
                outcome.error(number, TIME, when, _("Not a swipe time (YYYY-MM-DD HH:MM:SS, not in the future)."))
                continue
            if not card.valid_on(day):
                outcome.error(number, CARD, card_no, _("The card was not valid on %(day)s.") % {"day": day})
                continue
            outcome.valid_rows += 1
            key = (card.member_id, code, day)
            if key in seen:
                continue  # a second swipe that day at the same project: the same visit
            seen.add(key)
            visits.append((card.member_id, day, f"project:{code}", VisitKind.SWIPE, card.grassroots_id, source))
        outcome.visits_added += insert_visits(visits)
        chunk.clear()

    for number, values in rows:
        outcome.rows += 1
        if outcome.rows > MAX_ROWS:
            raise FileRefused(_("The file has more than %(n)d rows: split it.") % {"n": MAX_ROWS})
        card_no, when, code, amount = values
        if not card_no:
            outcome.error(number, CARD, card_no, _("The card number is missing."))
        elif not _CARD_RE.match(card_no):
            outcome.error(number, CARD, card_no, _("Not a card number (12 to 19 digits)."))
        elif not when:
            outcome.error(number, TIME, when, _("The swipe time is missing."))
        elif not code or not CODE_RE.match(code):
            outcome.error(number, CODE, code, _("Not a merchant or project code (letters, digits, - _ . up to "
                                                "40)."))
        elif amount and not _amount_ok(amount):
            outcome.error(number, AMOUNT, amount, _("Not an amount (a number from 0 to 1,000,000)."))
        else:
            chunk.append((number, values))
            if len(chunk) >= CHUNK:
                flush()
    if chunk:
        flush()


def error_report_csv(errors: list[tuple[int, str, str, str]]) -> str:
    """The error rows as CSV text: row, column, value, error."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Row"), _("Column"), _("Value"), _("Error")])
    writer.writerows(sorted(errors))  # checked rows come back a chunk later than refused ones: file order
    return out.getvalue()


def checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run(record: SwipeImport, path: Path, scope: Scope) -> SwipeImport:
    """Import the file into the ledger for the import `record` (already saved); fills in its counts."""
    started = time.monotonic()
    outcome = Outcome()
    try:
        with transaction.atomic():
            import_rows(read_rows(path), source=record.source, scope=scope, outcome=outcome)
    except FileRefused as exc:
        record.refused = str(exc)[:300]
        outcome = Outcome(rows=outcome.rows)
    record.rows = outcome.rows
    record.valid_rows = outcome.valid_rows
    record.visits_added = outcome.visits_added
    record.already_counted = outcome.valid_rows - outcome.visits_added
    record.error_rows = outcome.error_rows
    record.error_report = error_report_csv(outcome.errors) if outcome.errors else ""
    record.seconds = round(time.monotonic() - started, 3)
    return record
