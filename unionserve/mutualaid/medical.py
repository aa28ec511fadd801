"""The quarterly medical batch (000 §四.7(3)): read the social-security center's expense file, decide every line,
compute what the plan pays against the member's annual cap, and flag lines for the first review.

The file (CSV or XLSX, header row as `COLUMNS`) has one line per visit: the member's ID number and name, the
hospital, 门诊/住院, the visit's first and last day, and the 自付一 amount left after the basic medical
insurance.

Two kinds of problem, two answers:

- **a line that cannot be read** (a missing column, a bad ID number, a date or amount that is not one, a last
  day before the first, a visit after the quarter) refuses the **whole file**, nothing is written, and the
  error report lists every such line: the center sends a corrected file;
- **a line that is read but not payable** (not a member, not eligible on the visit date, already paid in an
  earlier quarter, the same line twice in the file) is **kept as rejected** with its reason, so the office
  sees it, the reviewers can check the refusal and the member's statement can explain it.

A line's identity is (ID number, hospital, kind, first day, last day, amount): its SHA-256 over the ID number's
keyed hash is stored unique on every accepted line, so a line already paid in an earlier quarter is rejected.

The payout of a line, with the plan version in force on the visit's first day (``policy.value(key, on=)``; the
versions used are stored on the line):

    computed = max(0, self_paid − deductible(kind)) × ratio(kind) / 100, to the fen (half up)
    payout   = min(computed, cap − paid before)

where the cap is the special cap (003 §三) when the member is a model worker or hardship member on that day,
else the ordinary one, and "paid before" counts the calendar year's lines of earlier batches (not rejected or
refused) and this file's earlier lines of the member, taken in order of visit date.

Speed (bench ``medical_batch``): the file is read once into compact tuples; members are found by the ID number's
keyed hash, eligibility, earlier payouts and existing line keys are read in chunked bulk queries; lines are
written with executemany. No query per line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve import pii, policy
from unionserve.core.money import MAX_AMOUNT
from unionserve.members import public as members

from . import policies
from .catalog import MEDICAL
from .eligibility import EligibilityIndex, paid_this_year
from .models import BatchState, ExpenseBatch, ExpenseLine, FileImport, FileKind, LineState, VisitKind
from .tables import FileRefused, header_map, read_rows

COLUMNS = (
    ("id_number", "身份证号"), ("name", "姓名"), ("hospital", "医院"), ("kind", "就诊类型"),
    ("visit_from", "就诊开始日期"), ("visit_to", "就诊结束日期"), ("self_paid", "自付一金额"),
)
KINDS = {"门诊": VisitKind.OUTPATIENT, "住院": VisitKind.INPATIENT,
         "outpatient": VisitKind.OUTPATIENT, "inpatient": VisitKind.INPATIENT}
#: The error report lists this many problems; more are counted.
MAX_ERRORS = 5000
FEN = Decimal("0.01")
HUNDRED = Decimal(100)
CHUNK = 500
#: Flags of the first review, in the order they are shown.
FLAG_ORDER = ("over_cap", "near_cap", "outlier", "doubt", "sample")


class BatchRefused(ValueError):
    """The file was refused whole; ``record`` is the FileImport holding the error report."""

    def __init__(self, record: FileImport) -> None:
        super().__init__(record.original_name)
        self.record = record


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a quarter."""
    first = dt.date(year, 3 * quarter - 2, 1)
    last = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    return first, last


def _date(text: str) -> dt.date | None:
    text = text.strip().replace("/", "-").replace(".", "-")
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _amount(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None
    if not value.is_finite() or value <= 0 or value > MAX_AMOUNT or value != value.quantize(FEN):
        return None
    return value


@dataclass(slots=True)
class Line:
    """One read line, compact (a million of them are held at once)."""

    row: int
    id_hash: str
    id_masked: str
    name: str
    hospital: str
    kind: str
    visit_from: dt.date
    visit_to: dt.date
    self_paid: Decimal
    key: str
    member_id: int | None = None
    state: str = LineState.ACCEPTED
    reason: str = ""
    flags: list[str] = field(default_factory=list)
    computed: Decimal = Decimal(0)
    payout: Decimal = Decimal(0)
    cap: Decimal = Decimal(0)
    special: bool = False
    paid_before: Decimal = Decimal(0)
    versions: dict = field(default_factory=dict)


def line_key(id_hash: str, hospital: str, kind: str, visit_from: dt.date, visit_to: dt.date, amount: Decimal) -> str:
    """The identity of a line across quarters (see the module's doc)."""
    raw = f"{id_hash}|{hospital}|{kind}|{visit_from.isoformat()}|{visit_to.isoformat()}|{amount:.2f}"
    return hashlib.sha256(raw.encode()).hexdigest()


def read_file(path: str, name: str, year: int, quarter: int) -> tuple[list[Line], list[list], int]:
    """The lines of the file, the errors of the lines that cannot be read ([row, column, value, message]) and the
    number of data rows."""
    _first, last = quarter_bounds(year, quarter)
    earliest = dt.date(year - 1, 1, 1)
    rows = read_rows(path, name)
    try:
        _n, header = next(rows)
    except StopIteration:
        raise FileRefused(_("The file is empty.")) from None
    cols = header_map(header, COLUMNS)
    titles = dict(COLUMNS)
    width = max(cols.values()) + 1
    lines: list[Line] = []
    errors: list[list] = []
    count = 0
    parse_id = pii.parse_id_number
    today = timezone.localdate()
    lookup = pii.lookup_hash
    for number, cells in rows:
        if not any(cells):
            continue
        count += 1
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        problems = []
        raw_id = cells[cols["id_number"]]
        try:
            info = parse_id(raw_id, today)
        except pii.InvalidValue as exc:
            problems.append(("id_number", raw_id, str(exc)))
            info = None
        hospital = cells[cols["hospital"]][:100]
        if not hospital:
            problems.append(("hospital", "", _("The hospital is missing.")))
        kind = KINDS.get(cells[cols["kind"]])
        if kind is None:
            problems.append(("kind", cells[cols["kind"]], _("Write 门诊 or 住院.")))
        start, end = _date(cells[cols["visit_from"]]), _date(cells[cols["visit_to"]])
        if start is None:
            problems.append(("visit_from", cells[cols["visit_from"]], _("Not a date (YYYY-MM-DD).")))
        if end is None:
            problems.append(("visit_to", cells[cols["visit_to"]], _("Not a date (YYYY-MM-DD).")))
        if start and end:
            if end < start:
                problems.append(("visit_to", cells[cols["visit_to"]], _("The last day is before the first.")))
            elif end > last or start < earliest:
                problems.append(("visit_from", cells[cols["visit_from"]],
                                 _("The visit is not in this quarter or the year before it (%(first)s–%(last)s).")
                                 % {"first": earliest.isoformat(), "last": last.isoformat()}))
        amount = _amount(cells[cols["self_paid"]])
        if amount is None:
            problems.append(("self_paid", cells[cols["self_paid"]],
                             _("Not an amount in yuan above zero with at most two decimals.")))
        if problems or info is None or kind is None or start is None or end is None or amount is None:
            if len(errors) < MAX_ERRORS:
                errors.extend([number, str(titles[col]), value[:60], message] for col, value, message in problems)
            continue
        id_hash = lookup(info.number)
        lines.append(Line(number, id_hash, pii.mask_id(info.number), cells[cols["name"]][:60], hospital, kind,
                          start, end, amount, line_key(id_hash, hospital, kind, start, end, amount)))
    return lines, errors, count


class _Policy:
    """policy.value for the visit days of a file, read by ranges: when the same version is in force on the first and
    the last day of a range, it is in force on every day between (the version in force is the latest effective on
    or before the day), so a key that did not change in the quarter costs two reads, not one per day."""

    def __init__(self, days) -> None:
        self.days = sorted(set(days))
        self._cache: dict[tuple[str, dt.date], Any] = {}

    def _resolve(self, key: str, lo: int, hi: int) -> None:
        first = self._read(key, self.days[lo])
        last = self._read(key, self.days[hi])
        if first.version_id == last.version_id:
            for k in range(lo + 1, hi):
                self._cache[(key, self.days[k])] = first
        elif hi - lo > 1:
            mid = (lo + hi) // 2
            self._resolve(key, lo, mid)
            self._resolve(key, mid, hi)

    def _read(self, key: str, day: dt.date):
        found = self._cache.get((key, day))
        if found is None:
            found = self._cache[(key, day)] = policy.value(key, on=day)
        return found

    def __call__(self, key: str, day: dt.date):
        found = self._cache.get((key, day))
        if found is None:
            if self.days:
                self._resolve(key, 0, len(self.days) - 1)
            found = self._read(key, day)
        return found


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _chunk() -> int:
    """Values per IN (…): as many as the database takes in one statement (SQLite 3.32+: 32,766), at most 5,000."""
    limit = getattr(connection.features, "max_query_params", None) or 100_000
    return max(CHUNK, min(5000, limit - 10))


def _member_ids(hashes: list[str]) -> dict[str, tuple[int, str]]:
    """Members by ID-number hash, in raw chunked queries (the ORM prepares every value of an IN list: too slow for
    a million)."""
    qn = connection.ops.quote_name
    table = qn(members.Member._meta.db_table)
    out: dict[str, tuple[int, str]] = {}
    unique = sorted(set(hashes))
    size = _chunk()
    for start in range(0, len(unique), size):
        part = unique[start:start + size]
        marks = ", ".join(["%s"] * len(part))
        for pk, id_hash, name in _rows(f"SELECT id, id_hash, name FROM {table} WHERE id_hash IN ({marks})",  # noqa: S608
                                       part):
            out[id_hash] = (pk, name)
    return out


def _existing_keys(keys: list[str]) -> set[str]:
    qn = connection.ops.quote_name
    table, column = qn(ExpenseLine._meta.db_table), qn("line_key")
    found: set[str] = set()
    size = _chunk()
    for start in range(0, len(keys), size):
        part = keys[start:start + size]
        marks = ", ".join(["%s"] * len(part))
        found.update(k for (k,) in _rows(f"SELECT {column} FROM {table} WHERE {column} IN ({marks})", part))  # noqa: S608
    return found


def _sampled(key: str, percent: Decimal) -> bool:
    """A reproducible random draw: the line's key is already a uniform hash."""
    return int(key[:8], 16) % 10000 < int(percent * 100)


def compute(lines: list[Line], *, exclude_batch_id: int | None = None) -> None:
    """Decide and compute every line in place (see the module's doc)."""
    found = _member_ids([ln.id_hash for ln in lines])
    seen: set[str] = set()
    for ln in lines:
        member = found.get(ln.id_hash)
        if member is None:
            ln.state, ln.reason = LineState.REJECTED, "unknown_member"
            continue
        ln.member_id = member[0]
        if ln.key in seen:
            ln.state, ln.reason = LineState.REJECTED, "duplicate"
        seen.add(ln.key)
    candidates = [ln for ln in lines if ln.state != LineState.REJECTED]
    already = _existing_keys([ln.key for ln in candidates])
    member_ids = {ln.member_id for ln in candidates}
    years = {ln.visit_from.year for ln in candidates}
    index = EligibilityIndex(member_ids, MEDICAL, years)
    used = paid_this_year(member_ids, years, exclude_batch_id=exclude_batch_id)
    values = _Policy({ln.visit_from for ln in candidates})
    names = {pk: name for pk, name in found.values()}
    amounts = [ln.self_paid for ln in candidates]
    median = statistics.median(amounts) if amounts else Decimal(0)
    candidates.sort(key=lambda ln: (ln.visit_from, ln.visit_to, ln.row))
    shared: dict[tuple, dict] = {}
    for ln in candidates:
        if ln.key in already:
            ln.state, ln.reason = LineState.REJECTED, "already_paid"
            continue
        day, member_id = ln.visit_from, ln.member_id
        if member_id is None:  # candidates all have one; for the type checker
            continue
        reason = index.reason(member_id, day)
        if reason:
            ln.state, ln.reason = LineState.REJECTED, reason
            continue
        inpatient = ln.kind == VisitKind.INPATIENT
        deductible = values(policies.MEDICAL_INPATIENT_DEDUCTIBLE if inpatient
                            else policies.MEDICAL_OUTPATIENT_DEDUCTIBLE, day)
        ratio = values(policies.MEDICAL_INPATIENT_RATIO if inpatient else policies.MEDICAL_OUTPATIENT_RATIO, day)
        ln.special = index.special_on(member_id, day)
        cap = values(policies.MEDICAL_SPECIAL_CAP if ln.special else policies.MEDICAL_ANNUAL_CAP, day)
        near = values(policies.REVIEW_NEAR_CAP_PERCENT, day)
        sample = values(policies.REVIEW_SAMPLE_PERCENT, day)
        outlier = values(policies.REVIEW_OUTLIER_FACTOR, day)
        shared_key = (day, inpatient, ln.special)
        ln.versions = shared.get(shared_key) or shared.setdefault(
            shared_key, {p.key: {"version": p.version, "value": str(p.value)} for p in (deductible, ratio, cap)})
        ln.computed = (max(Decimal(0), ln.self_paid - deductible.value) * ratio.value / HUNDRED).quantize(
            FEN, ROUND_HALF_UP)
        ln.cap = cap.value
        year_key = (member_id, day.year)
        ln.paid_before = used[year_key]
        room = max(Decimal(0), ln.cap - ln.paid_before)
        ln.payout = min(ln.computed, room)
        used[year_key] = ln.paid_before + ln.payout
        flags = []
        if ln.computed > room:
            flags.append("over_cap")
        elif used[year_key] >= ln.cap * near.value / HUNDRED:
            flags.append("near_cap")
        if median and ln.self_paid > median * outlier.value:
            flags.append("outlier")
        if (index.reason(member_id, ln.visit_to) or index.special_on(member_id, ln.visit_to) != ln.special
                or (ln.name and ln.name != names.get(member_id))):
            flags.append("doubt")
        if _sampled(ln.key, sample.value):
            flags.append("sample")
        ln.flags = flags
        if flags:
            ln.state = LineState.FLAGGED


_INSERT_FIELDS = ("batch_id", "row", "member_id", "id_masked", "name", "hospital", "visit_kind", "visit_from",
                  "visit_to", "self_paid", "line_key", "state", "reason", "flags", "year", "computed", "payout", "cap",
                  "special_cap", "paid_before", "policy_versions", "review_note")


def _write_lines(batch_id: int, lines: list[Line]) -> None:
    """Insert the lines with executemany (the ORM's bulk_create builds an object per line: too slow here)."""
    import json

    table = ExpenseLine._meta.db_table
    by_attname = {f.attname: f.column for f in ExpenseLine._meta.concrete_fields}
    columns = [str(by_attname[f]) for f in _INSERT_FIELDS]
    qn = connection.ops.quote_name
    # Names from the model's own metadata, quoted; the values go as parameters.
    names, marks = ", ".join(qn(c) for c in columns), ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {qn(table)} ({names}) VALUES ({marks})"  # noqa: S608
    adapt_date = connection.ops.adapt_datefield_value
    adapt_money = connection.ops.adapt_decimalfield_value

    def money(value: Decimal):
        return adapt_money(value, 14, 2)

    rows = []
    dumped: dict[int, str] = {}
    with connection.cursor() as cursor:
        for ln in lines:
            # Lines of the same day and kind share their versions dict's text.
            versions = dumped.get(id(ln.versions))
            if versions is None:
                versions = dumped[id(ln.versions)] = json.dumps(ln.versions)
            accepted = ln.state != LineState.REJECTED
            rows.append((batch_id, ln.row, ln.member_id, ln.id_masked, ln.name, ln.hospital, ln.kind,
                         adapt_date(ln.visit_from), adapt_date(ln.visit_to), money(ln.self_paid),
                         ln.key if accepted else None, ln.state, ln.reason, ",".join(ln.flags),
                         ln.visit_from.year if accepted else None, money(ln.computed), money(ln.payout),
                         money(ln.cap), ln.special, money(ln.paid_before), versions, ""))
            if len(rows) >= 5000:
                cursor.executemany(sql, rows)
                rows = []
        if rows:
            cursor.executemany(sql, rows)


def file_sha256(path: str) -> str:
    """The file's SHA-256 (the same file is not read twice)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def prepare(*, path: str, name: str, year: int, quarter: int, office, acting_user) -> tuple[str, list[Line]]:
    """The file's checksum and its read lines; BatchRefused (with its error report saved) when a line cannot be
    read or the file was already read. Writes nothing else."""
    sha = file_sha256(path)
    record = FileImport(kind=FileKind.EXPENSES, unit=office, original_name=name[:200], created_by=acting_user)
    try:
        if ExpenseBatch.objects.filter(sha256=sha).exists():
            raise FileRefused(_("This file was already read."))
        lines, errors, count = read_file(path, name, year, quarter)
        record.rows = count
        if not errors and not lines:
            raise FileRefused(_("The file has no lines."))
    except FileRefused as exc:
        record.errors, record.error_count = [[0, "", "", str(exc)]], 1
        record.save()
        raise BatchRefused(record) from exc
    if errors:
        record.errors, record.error_count = errors[:MAX_ERRORS], len(errors)
        record.save()
        raise BatchRefused(record)
    return sha, lines


def write_batch(batch: ExpenseBatch, lines: list[Line]) -> None:
    """Decide, compute and write the lines of a new batch (inside the caller's transaction)."""
    compute(lines, exclude_batch_id=batch.pk)
    lines.sort(key=lambda ln: ln.row)
    _write_lines(batch.pk, lines)
    refresh_totals(batch)


def refresh_totals(batch: ExpenseBatch) -> None:
    """The batch's counts and sums, from its lines."""
    from django.db.models import Count, Q, Sum

    agg = batch.expense_lines.aggregate(
        lines=Count("pk"), rejected=Count("pk", filter=Q(state=LineState.REJECTED)),
        flagged=Count("pk", filter=Q(state=LineState.FLAGGED)), claimed=Sum("self_paid"),
        payout=Sum("payout", filter=~Q(state__in=[LineState.REJECTED, LineState.REFUSED])))
    batch.lines, batch.rejected, batch.flagged = agg["lines"], agg["rejected"], agg["flagged"]
    batch.total_claimed = (agg["claimed"] or Decimal(0)).quantize(FEN)
    batch.total_payout = (agg["payout"] or Decimal(0)).quantize(FEN)
    batch.save(update_fields=["lines", "rejected", "flagged", "total_claimed", "total_payout"])


def recompute_member(batch: ExpenseBatch, member_id: int, year: int) -> None:
    """After a reviewer refuses a line, the member's later lines of this batch get the room it frees, in visit
    order, with the cap each line already records."""
    used = paid_this_year([member_id], [year], exclude_batch_id=batch.pk)[(member_id, year)]
    lines = batch.expense_lines.filter(member_id=member_id, year=year).exclude(
        state__in=[LineState.REJECTED, LineState.REFUSED]).order_by("visit_from", "visit_to", "row")
    for line in lines:
        room = max(Decimal(0), line.cap - used)
        payout = min(line.computed, room)
        if (line.paid_before, line.payout) != (used, payout):
            line.paid_before, line.payout = used, payout
            line.save(update_fields=["paid_before", "payout"])
        used += payout


__all__ = ["COLUMNS", "BatchRefused", "BatchState", "compute", "line_key", "prepare", "quarter_bounds", "read_file",
           "recompute_member", "refresh_totals", "write_batch"]
