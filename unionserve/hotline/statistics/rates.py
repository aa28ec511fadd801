"""12351 statistics, computed in SQL (GROUP BY) and rolled up the org tree over units, never over rows.

Volumes count requests (HotlineRequest) received in the period, in the user's scope. The rates count *handling
assignments*: the engine's handling steps of affairs (Step: process "affair", state "handling", kind "work"),
one per unit an affair was dispatched to (and one more when it was sent back to handling). Assignments the
unit returned, or that were reassigned or cancelled, were not that unit's to handle and are left out.

One GROUP BY step.unit gives a vector of counts per handling unit; a unit's figure sums the vectors of all
handling units in its subtree on either line (each unit once), so every rate is a sum of numerators over a sum
of denominators, never an average of rates. DEFINITIONS below are shown on the page and in
docs/hotline-statistics.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, DateField, F, Func, Q, QuerySet, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionserve.core import rollup
from unionserve.core.numbers import percent
from unionserve.core.scope import scope_of
from unionserve.hotline.models import Category, HotlineRequest, Kind, Satisfaction
from unionserve.orgs.models import OrgUnit
from unionserve.workflow.models import Step, StepKind, StepStatus

#: Assignments that were never the unit's to handle.
NOT_HANDLED = (StepStatus.RETURNED, StepStatus.REASSIGNED, StepStatus.CANCELLED)
SATISFIED = (Satisfaction.VERY_SATISFIED, Satisfaction.SATISFIED)

# Positions in a unit's count vector.
FIELDS = ("assignments", "response_judged", "responded", "feedback_judged", "fed_back_on_time", "closed",
          "resolved", "rated", "satisfied")
WIDTH = len(FIELDS)

Vector = list[int]


@dataclass(frozen=True)
class Definition:
    key: str
    label: object
    chinese: str
    numerator: object
    denominator: object
    note: object = ""


DEFINITIONS = (
    Definition("response", _("Response rate"), "响应率",
               _("assignments signed for (or fed back) no later than their deadline"),
               _("assignments signed for, plus those not signed for whose deadline has passed"),
               _("An assignment still waiting whose deadline has not come yet is not judged.")),
    Definition("on_time", _("On-time feedback rate"), "按时反馈率",
               _("assignments fed back (回单) no later than their deadline"),
               _("assignments fed back, plus open or escalated ones whose deadline has passed"),
               _("The deadline is the 7 working days of seed 000 §四.1(2), counted from the day after dispatch "
                 "by the working-day calendar, including approved extensions. Fed back at the deadline is on "
                 "time; one day later is not.")),
    Definition("resolution", _("Resolution rate"), "解决率",
               _("closed affairs the handling unit reported solved"),
               _("closed affairs"),
               _("Per handling unit: an affair dispatched to two units counts for each.")),
    Definition("satisfaction", _("Satisfaction rate"), "满意率",
               _("affairs rated very satisfied or satisfied"),
               _("affairs rated (on the callback or on the portal)"),
               _("Affairs without a rating are not counted. The latest rating counts.")),
)
RATE_KEYS = tuple(d.key for d in DEFINITIONS)
_PARTS = {"response": ("responded", "response_judged"), "on_time": ("fed_back_on_time", "feedback_judged"),
          "resolution": ("resolved", "closed"), "satisfaction": ("satisfied", "rated")}


@dataclass(frozen=True)
class Period:
    """Requests received from `start` to `end`, both days included (local time)."""

    start: dt.date
    end: dt.date

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        tz = timezone.get_current_timezone()
        return (dt.datetime.combine(self.start, dt.time.min, tzinfo=tz),
                dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))

    @classmethod
    def default(cls, today: dt.date | None = None) -> Period:
        """The current month up to today."""
        today = today or timezone.localdate()
        return cls(today.replace(day=1), today)


@dataclass
class Rate:
    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.numerator, self.denominator)


@dataclass
class UnitRates:
    """A unit's rolled-up counts and its rates."""

    unit: OrgUnit
    vector: Vector = field(default_factory=lambda: [0] * WIDTH)

    def count(self, name: str) -> int:
        return self.vector[FIELDS.index(name)]

    def rate(self, key: str) -> Rate:
        num, den = _PARTS[key]
        return Rate(self.count(num), self.count(den))

    @property
    def rates(self) -> list[Rate]:
        return [self.rate(k) for k in RATE_KEYS]

    @property
    def assignments(self) -> int:
        return self.count("assignments")


def requests_in(user, period: Period) -> QuerySet:
    """Requests received in the period, in the user's scope."""
    start, end = period.bounds()
    return scope_of(user).filter(HotlineRequest.objects.filter(received_at__gte=start, received_at__lt=end))


def assignments_in(user, period: Period) -> QuerySet:
    """Handling assignments of affairs received in the period, at units in the user's scope."""
    start, end = period.bounds()
    qs = Step.objects.filter(process="affair", state="handling", kind=StepKind.WORK,
                             case__hotline_request__received_at__gte=start,
                             case__hotline_request__received_at__lt=end).exclude(status__in=NOT_HANDLED)
    return scope_of(user).filter(qs)


def unit_vectors(user, period: Period, *, now: dt.datetime | None = None) -> dict[int, Vector]:
    """One GROUP BY over the assignments: the count vector of every handling unit."""
    now = now or timezone.now()
    request = "case__hotline_request__"
    responded_at = Coalesce("signed_at", "completed_at")
    past_due = Q(due_at__lt=now)
    done = Q(status=StepStatus.DONE, completed_at__isnull=False)
    closed = Q(case__closed_at__isnull=False)
    rated = ~Q(**{f"{request}satisfaction": ""})
    rows = (assignments_in(user, period).annotate(responded_at=responded_at).values_list("unit_id").annotate(
        assignments=Count("pk"),
        response_judged=Count("pk", filter=Q(responded_at__isnull=False) | past_due),
        responded=Count("pk", filter=Q(responded_at__isnull=False)
                        & (Q(due_at__isnull=True) | Q(responded_at__lte=F("due_at")))),
        feedback_judged=Count("pk", filter=done | (~done & past_due)),
        fed_back_on_time=Count("pk", filter=done & (Q(due_at__isnull=True) | Q(completed_at__lte=F("due_at")))),
        closed=Count("case", distinct=True, filter=closed),
        resolved=Count("case", distinct=True, filter=closed & Q(**{f"{request}resolved": True})),
        rated=Count("case", distinct=True, filter=rated),
        satisfied=Count("case", distinct=True, filter=Q(**{f"{request}satisfaction__in": SATISFIED})),
    ).order_by())
    return {unit_id: list(values) for unit_id, *values in rows}


def roll_up(units: list[OrgUnit], vectors: dict[int, Vector]) -> list[UnitRates]:
    """Each unit's figures: the sum over the handling units in its subtree on either line (each counted once)."""
    paths = OrgUnit.objects.filter(pk__in=list(vectors)).values_list("pk", "region_path", "industry_path")
    totals = rollup.roll_up((region, industry, vectors[pk]) for pk, region, industry in paths)
    return [UnitRates(unit, totals.get(unit.pk, [0] * WIDTH)) for unit in units]


def ranked(rows: list[UnitRates], key: str) -> list[UnitRates]:
    """Highest rate first; units without a figure last (by name)."""
    return sorted(rows, key=lambda r: (r.rate(key).percent is None, -(r.rate(key).percent or 0),
                                       -r.rate(key).denominator, r.unit.code))


@dataclass
class Volumes:
    total: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, int] = field(default_factory=dict)
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_day: list[tuple[dt.date, int, int]] = field(default_factory=list)  # day, consultations, affairs
    by_month: list[tuple[str, int, int]] = field(default_factory=list)


def volumes(user, period: Period) -> Volumes:
    """Requests by kind, channel, top-level category, day and month: two GROUP BY queries."""
    qs = requests_in(user, period)
    out = Volumes()
    top = _top_categories()
    by_category: dict[str, int] = {}
    for kind, channel, category_id, n in (qs.values_list("kind", "channel", "category_id")
                                          .annotate(n=Count("pk")).order_by()):
        out.total += n
        out.by_kind[kind] = out.by_kind.get(kind, 0) + n
        out.by_channel[channel] = out.by_channel.get(channel, 0) + n
        name = top.get(category_id, "?")
        by_category[name] = by_category.get(name, 0) + n
    out.by_category = sorted(by_category.items(), key=lambda item: (-item[1], item[0]))
    days: dict[dt.date, list[int]] = {}
    for day, kind, n in (qs.annotate(day=local_date("received_at", period)).values_list("day", "kind")
                         .annotate(n=Count("pk")).order_by("day")):
        slot = days.setdefault(day, [0, 0])
        slot[0 if kind == Kind.CONSULTATION else 1] += n
    out.by_day = [(day, c, a) for day, (c, a) in sorted(days.items())]
    months: dict[str, list[int]] = {}
    for day, c, a in out.by_day:
        slot = months.setdefault(day.strftime("%Y-%m"), [0, 0])
        slot[0] += c
        slot[1] += a
    out.by_month = [(m, c, a) for m, (c, a) in sorted(months.items())]
    return out


class _SQLiteDate(Func):
    """SQLite's DATE(value, '+480 minutes'): the local day of a stored UTC datetime, in SQL."""

    function = "DATE"
    output_field = DateField()


def local_date(field_name: str, period: Period):
    """The local day of a datetime column, for GROUP BY.

    Django's TruncDate with a time zone runs a Python function per row on SQLite (2.5 s for the 200,000 requests
    of a year); where the zone's offset does not change within the period (Asia/Shanghai has no daylight saving),
    SQLite's own DATE with that offset gives the same days in SQL. PostgreSQL truncates natively.
    """
    tz = timezone.get_current_timezone()
    if connection.vendor == "sqlite":
        start, end = period.bounds()
        offset, end_offset = start.utcoffset(), end.utcoffset()
        if offset == end_offset and offset is not None:
            minutes = int(offset.total_seconds() // 60)
            return _SQLiteDate(field_name, Value(f"{minutes:+d} minutes"))
    return TruncDate(field_name, tzinfo=tz)


def _top_categories() -> dict[int, str]:
    """category id → the name of its top-level category (the tree is small: read once)."""
    rows = {pk: (parent, name) for pk, parent, name in Category.objects.values_list("pk", "parent_id", "name")}
    out = {}
    for pk in rows:
        seen, current = set(), pk
        while rows[current][0] is not None and current not in seen:
            seen.add(current)
            current = rows[current][0]
        out[pk] = rows[current][1]
    return out


def children_of(user, unit: OrgUnit) -> QuerySet:
    """The units directly below `unit` on both lines, in the user's scope."""
    return scope_of(user).filter(OrgUnit.objects.filter(Q(region_parent=unit) | Q(industry_parent=unit)))
