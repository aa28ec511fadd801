"""Statistics of accident, death and fire-loss claims (issue 16 item 5), in the user's scope.

For a year (and optionally one quarter): what was paid by benefit of the plan, by quarter, by district (the
regional line) and by industry union (the industry line: both lines of the tree, each unit once, rolled up with
`core.rollup`), the members who benefited, the days from the decision to the bank's payment (average, and the
share paid within the payment deadline the engine set), and the share of decisions that refused a claim and why.
Counts and sums come from the database (GROUP BY); only the paid claims of the period are read one by one, for the
days to pay.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve.core import rollup
from unionserve.core.numbers import percent
from unionserve.core.scope import scope_of
from unionserve.core.units import UnitKind
from unionserve.orgs.models import OrgUnit
from unionserve.workflow.models import Step, StepKind

from .models import Claim, ClaimType, RefusalReason

#: The years a user may ask for (a bound on the input; the platform holds no claims before it).
FIRST_YEAR = 2013
QUARTERS = (1, 2, 3, 4)
REGION_KINDS = (UnitKind.DISTRICT_CENTER, UnitKind.DEV_AREA_CENTER)


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * (self.quarter - 1) + 1, 1) if self.quarter else dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        if not self.quarter or self.quarter == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.quarter + 1, 1) - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}" + (f" Q{self.quarter}" if self.quarter else "")


def parse_period(year, quarter) -> Period:
    """The period asked for, bounded (ValueError with a message for anything else)."""
    this_year = timezone.localdate().year
    try:
        y = int(year) if year not in (None, "") else this_year
        q = int(quarter) if quarter not in (None, "") else None
    except (TypeError, ValueError):
        raise ValueError(_("Give the year as a number, and the quarter as 1 to 4.")) from None
    if not FIRST_YEAR <= y <= this_year:
        raise ValueError(_("The year must be between %(first)s and %(last)s.") % {"first": FIRST_YEAR,
                                                                                  "last": this_year})
    if q is not None and q not in QUARTERS:
        raise ValueError(_("The quarter must be 1, 2, 3 or 4."))
    return Period(y, q)


@dataclass
class Line:
    """One row of a breakdown: a label, claims paid, amount paid."""

    key: str
    label: str
    paid: int = 0
    amount: Decimal = Decimal("0.00")


@dataclass
class Figures:
    period: Period
    filed: int = 0
    decided: int = 0
    approved: int = 0
    refused: int = 0
    paid: int = 0
    amount: Decimal = Decimal("0.00")
    members: int = 0
    waiting: int = 0
    overdue: int = 0
    average_days: Decimal | None = None
    on_time: int = 0
    refused_share: Decimal | None = None
    on_time_share: Decimal | None = None
    by_type: list[Line] = field(default_factory=list)
    by_quarter: list[Line] = field(default_factory=list)
    by_district: list[Line] = field(default_factory=list)
    by_industry: list[Line] = field(default_factory=list)
    reasons: list[tuple[str, int]] = field(default_factory=list)

    def as_dict(self) -> dict:
        """JSON-safe (the API and the chart)."""
        def lines(rows):
            return [{"key": r.key, "label": r.label, "paid": r.paid, "amount": str(r.amount)} for r in rows]

        return {
            "year": self.period.year, "quarter": self.period.quarter, "filed": self.filed, "decided": self.decided,
            "approved": self.approved, "refused": self.refused, "paid": self.paid, "amount": str(self.amount),
            "members": self.members, "waiting": self.waiting, "overdue": self.overdue,
            "average_days": None if self.average_days is None else str(self.average_days),
            "on_time": self.on_time, "on_time_share": None if self.on_time_share is None else str(self.on_time_share),
            "refused_share": None if self.refused_share is None else str(self.refused_share),
            "by_type": lines(self.by_type), "by_quarter": lines(self.by_quarter),
            "by_district": lines(self.by_district), "by_industry": lines(self.by_industry),
            "reasons": [{"label": label, "count": n} for label, n in self.reasons],
        }


def _money(value) -> Decimal:
    """Yuan with two decimals (SQLite's SUM drops the scale)."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _in(field_name: str, period: Period) -> Q:
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lte": period.end})


def _between(field_name: str, period: Period) -> Q:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tz)
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


def compute(user, period: Period) -> Figures:
    """The figures of the claims in `user`'s scope for `period`."""
    claims = scope_of(user).filter(Claim.objects.all())
    f = Figures(period)
    f.filed = claims.filter(_between("created_at", period)).count()
    decided = claims.filter(_between("decided_at", period))
    counts = decided.aggregate(total=Count("pk"), refused=Count("pk", filter=Q(case__state="refused")))
    f.decided, f.refused = counts["total"], counts["refused"]
    f.approved = f.decided - f.refused
    f.refused_share = percent(f.refused, f.decided)
    reasons: dict[str, int] = {}
    for row in decided.filter(case__state="refused").values_list("refusal_reasons", flat=True):
        for r in row or [RefusalReason.OTHER]:
            reasons[r] = reasons.get(r, 0) + 1
    labels = dict(RefusalReason.choices)
    f.reasons = sorted(((str(labels.get(k, k)), n) for k, n in reasons.items()), key=lambda x: -x[1])
    waiting = claims.filter(case__state="pay")
    f.waiting = waiting.count()
    f.overdue = Step.objects.filter(case__mutualaid_claim__in=waiting, state="pay", is_open=True,
                                    kind=StepKind.WORK, overdue=True).count()

    paid = claims.filter(case__state="paid").filter(_in("paid_on", period))
    totals = paid.aggregate(n=Count("pk"), amount=Sum("amount"), members=Count("member", distinct=True))
    f.paid, f.amount, f.members = totals["n"], _money(totals["amount"]), totals["members"]
    type_rows: dict[str, tuple[int, Decimal | None]] = {
        r["claim_type"]: (r["n"], r["a"])
        for r in paid.values("claim_type").annotate(n=Count("pk"), a=Sum("amount"))}
    f.by_type = [Line(t.value, str(t.label), type_rows.get(t.value, (0, None))[0],
                      _money(type_rows.get(t.value, (0, None))[1])) for t in ClaimType]
    quarters = [q for q in QUARTERS if period.quarter in (None, q)]
    by_q = {q: Line(f"Q{q}", f"{period.year} Q{q}") for q in quarters}

    # Days to pay: from the decision (local date) to the bank's payment; on time when paid by the pay step's due date.
    due = dict(Step.objects.filter(case__mutualaid_claim__in=paid, state="pay", kind=StepKind.WORK)
               .order_by("created_at").values_list("case_id", "due_at"))
    days_total = 0
    leaves: dict[int, list[int]] = {}
    rows = paid.values_list("case_id", "decided_at", "paid_on", "amount", "member__grassroots_id")
    for case_id, decided_at, paid_on, amount, grassroots_id in rows.iterator():
        if paid_on is None:  # the filter above keeps paid claims only; a guard for the type checker
            continue
        line = by_q.get((paid_on.month - 1) // 3 + 1)
        if line is not None:
            line.paid += 1
            line.amount = _money(line.amount + (amount or 0))
        if decided_at is not None:
            days_total += max(0, (paid_on - timezone.localdate(decided_at)).days)
        due_at = due.get(case_id)
        if due_at is not None and paid_on <= timezone.localdate(due_at):
            f.on_time += 1
        acc = leaves.setdefault(grassroots_id, [0, 0])
        acc[0] += 1
        acc[1] += int((amount or 0) * 100)
    f.by_quarter = list(by_q.values())
    if f.paid:
        f.average_days = (Decimal(days_total) / f.paid).quantize(Decimal("0.1"))
    f.on_time_share = percent(f.on_time, f.paid)
    f.by_district, f.by_industry = _lines_by_unit(leaves)
    return f


def _lines_by_unit(leaves: dict[int, list[int]]) -> tuple[list[Line], list[Line]]:
    """Paid claims rolled up the two lines; the districts and the industry unions that have any."""
    if not leaves:
        return [], []
    paths = OrgUnit.objects.filter(pk__in=leaves).values_list("pk", "region_path", "industry_path")
    totals = rollup.roll_up((region, industry, leaves[pk]) for pk, region, industry in paths)
    units = OrgUnit.objects.filter(pk__in=totals, kind__in=(*REGION_KINDS, UnitKind.INDUSTRY_UNION)).order_by("code")
    region: list[Line] = []
    industry: list[Line] = []
    for unit in units:
        n, fen = totals[unit.pk]
        line = Line(unit.code, unit.name, n, (Decimal(fen) / 100).quantize(Decimal("0.01")))
        (industry if unit.kind == UnitKind.INDUSTRY_UNION else region).append(line)
    return region, industry


def workbook(figures: Figures, *, scope_name: str) -> bytes:
    """The figures as an Excel workbook (aggregates only: a few dozen rows)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    sheet = book.add_worksheet(_("Summary"))
    sheet.write_row(0, 0, [f"{scope_name} {figures.period.label}"], bold)
    summary = [
        (_("Claims filed"), figures.filed), (_("Claims decided"), figures.decided),
        (_("Approved"), figures.approved), (_("Refused"), figures.refused),
        (_("Share refused (%)"), figures.refused_share), (_("Claims paid"), figures.paid),
        (_("Amount paid (yuan)"), figures.amount), (_("Members who benefited"), figures.members),
        (_("Average days from decision to payment"), figures.average_days),
        (_("Paid within the deadline"), figures.on_time), (_("Share paid on time (%)"), figures.on_time_share),
        (_("Approved, awaiting payment"), figures.waiting), (_("Of which overdue"), figures.overdue),
    ]
    for i, (label, value) in enumerate(summary, start=2):
        sheet.write(i, 0, str(label))
        if isinstance(value, Decimal):
            sheet.write_number(i, 1, float(value), money)
        else:
            sheet.write(i, 1, "" if value is None else value)
    sheet.set_column(0, 0, 36)
    for title, rows in ((_("By benefit"), figures.by_type), (_("By quarter"), figures.by_quarter),
                        (_("By district"), figures.by_district), (_("By industry union"), figures.by_industry)):
        ws = book.add_worksheet(str(title)[:31])
        ws.write_row(0, 0, [str(title), _("Claims paid"), _("Amount paid (yuan)")], bold)
        for r, line in enumerate(rows, start=1):
            ws.write(r, 0, line.label)
            ws.write_number(r, 1, line.paid)
            ws.write_number(r, 2, float(line.amount), money)
        ws.set_column(0, 0, 30)
    ws = book.add_worksheet(str(_("Reasons for refusal"))[:31])
    ws.write_row(0, 0, [_("Reason"), _("Claims")], bold)
    for r, (label, n) in enumerate(figures.reasons, start=1):
        ws.write_row(r, 0, [label, n])
    ws.set_column(0, 0, 40)
    book.close()
    return buffer.getvalue()
