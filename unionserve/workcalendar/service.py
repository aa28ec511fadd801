"""Deadlines on China's statutory working-day calendar, computed in Asia/Shanghai.

How a period is counted (民法典 第二百零一条、第二百零三条, see docs/decisions/0005):

- the day on which the period starts is not counted;
- "N个工作日" (``add_working_days``) counts only working days, from the next day;
- "N日" (``add_calendar_days``) ends at the end of day start + N; when that day is a rest day (weekend
  or holiday, and not an adjusted working day 调休) it ends at the end of the next working day;
- "当天" (``end_of_same_day``) ends at the end of the same day.

A deadline is the last instant of its due date: ``23:59:59.999999`` Asia/Shanghai (the Civil Code's
"截止时间为二十四时"), as an aware datetime. It is met by anything done at or before it; overdue means
``now > deadline``. Every result carries the rule, the start date, the days it counted and skipped, a
Chinese explanation a clerk can check by hand, and ``provisional`` when a day it consulted lies in a
year whose official State Council schedule is not in the table yet (the statutory rules in
``statutory.py`` stand in for it until an administrator enters it).

The calendar is held in memory per process. It is reloaded when this process changes the tables
(signal receivers call ``clear_cache``) and, for changes made by other processes, when a cheap token
read from the year table (row count, sum of revisions, last update) differs; the token is read at most
every ``settings.UNIONSERVE["CALENDAR_CACHE_SECONDS"]`` seconds (default 5).
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max, Sum
from django.utils.translation import gettext, ngettext

from .models import OFFICIAL_SOURCES, CalendarDay, CalendarYear, DayKind
from .statutory import provisional_holidays

# China's statutory calendar is defined in Beijing time whatever the server's TIME_ZONE says.
TZ = ZoneInfo("Asia/Shanghai")
END_OF_DAY = datetime.time(23, 59, 59, 999999)
#: Upper bound on N, so that a typo in a form (70000 days) cannot keep a worker busy.
MAX_DAYS = 3660

_ONE_DAY = datetime.timedelta(days=1)
WEEKDAYS_ZH = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


class Rule(StrEnum):
    """How a period is counted; the values are what process definitions store."""

    WORKING_DAYS = "working_days"  # N个工作日
    CALENDAR_DAYS = "calendar_days"  # N日
    SAME_DAY = "same_day"  # 当天/当日


class DayType(StrEnum):
    """What kind of day a date is on the calendar."""

    WORKDAY = "workday"  # an ordinary Monday–Friday
    WEEKEND = "weekend"  # an ordinary Saturday or Sunday
    HOLIDAY = "holiday"  # a day off of a holiday period (also when it falls on a weekend)
    ADJUSTED_WORKDAY = "adjusted_workday"  # 调休: a weekend day worked


@dataclass(frozen=True, slots=True)
class DayInfo:
    """One date as the calendar sees it."""

    date: datetime.date
    working: bool
    type: DayType
    name: str = ""
    #: True when the date's year has no official schedule and the statutory rules decided.
    provisional: bool = False

    @property
    def label(self) -> str:
        """Short Chinese label used in explanations: 周末, 春节, 调休上班, 工作日."""
        if self.type is DayType.HOLIDAY:
            return self.name or "节假日"
        if self.type is DayType.ADJUSTED_WORKDAY:
            return "调休上班"
        if self.type is DayType.WEEKEND:
            return "周末"
        return "工作日"


@dataclass(frozen=True)
class DeadlineResult:
    """A computed deadline and everything needed to explain it."""

    rule: Rule
    n: int
    #: The day the period starts from (not counted), in Asia/Shanghai.
    start: datetime.date
    #: The last day of the period.
    due_date: datetime.date
    #: The last instant of ``due_date``: 23:59:59.999999 Asia/Shanghai, aware.
    deadline: datetime.datetime
    #: Rest days stepped over: between counted working days, or past day N for N日.
    skipped: tuple[DayInfo, ...]
    #: The working days counted, for N个工作日 (see ``counted``).
    working_days: tuple[datetime.date, ...] = ()
    #: Adjusted working days (调休) among the counted days or the due date, worth pointing out.
    adjusted: tuple[datetime.date, ...] = ()
    #: Years without an official schedule whose days were consulted; non-empty means provisional.
    provisional_years: tuple[int, ...] = field(default=())

    @property
    def counted(self) -> tuple[datetime.date, ...]:
        """Days counted: the N working days (N个工作日), the N calendar days (N日), none for 当天."""
        if self.rule is Rule.CALENDAR_DAYS:
            # Derived on demand: most callers only want the deadline, and N日 periods can be long.
            return tuple(self.start + _ONE_DAY * i for i in range(1, self.n + 1))
        return self.working_days

    @property
    def provisional(self) -> bool:
        """True if any day consulted lies in a year without the official State Council schedule."""
        return bool(self.provisional_years)

    @property
    def rule_label(self) -> str:
        """The rule in the reader's language, e.g. "7 working days" / "7个工作日"."""
        if self.rule is Rule.WORKING_DAYS:
            return ngettext("%(n)d working day", "%(n)d working days", self.n) % {"n": self.n}
        if self.rule is Rule.CALENDAR_DAYS:
            return ngettext("%(n)d day", "%(n)d days", self.n) % {"n": self.n}
        return gettext("same day")

    @property
    def rule_zh(self) -> str:
        """The rule as the seeds and the law write it: 7个工作日, 5日, 当天."""
        if self.rule is Rule.WORKING_DAYS:
            return f"{self.n}个工作日"
        if self.rule is Rule.CALENDAR_DAYS:
            return f"{self.n}日"
        return "当天"

    @cached_property
    def explanation(self) -> str:
        """How the deadline was computed, in Chinese, for display next to it and for the case record."""
        return _explain(self)

    def as_dict(self) -> dict:
        """A JSON-serializable summary, for storing with a case or answering the API."""
        return {
            "rule": str(self.rule),
            "n": self.n,
            "start": self.start.isoformat(),
            "due_date": self.due_date.isoformat(),
            "deadline": self.deadline.isoformat(),
            "provisional": self.provisional,
            "provisional_years": list(self.provisional_years),
            "explanation": self.explanation,
        }


# --- the in-memory calendar -------------------------------------------------------------------


@dataclass
class _Calendar:
    token: tuple
    official_years: frozenset[int]
    days: dict[datetime.date, tuple[str, str]]  # date -> (DayKind, name), official years only
    checked_at: float
    interval: float
    # DayInfo per date already classified: deadlines cluster on recent dates, so after warm-up a
    # classification is one dict lookup (the 10,000-deadline budget depends on it).
    memo: dict[datetime.date, DayInfo] = field(default_factory=dict)


_state: _Calendar | None = None
_lock = threading.Lock()


def _check_interval() -> float:
    return float(getattr(settings, "UNIONSERVE", {}).get("CALENDAR_CACHE_SECONDS", 5))


def _current_token() -> tuple:
    agg = CalendarYear.objects.aggregate(n=Count("id"), rev=Sum("revision"), at=Max("updated_at"))
    return (agg["n"], agg["rev"], agg["at"])


def _load(token: tuple) -> _Calendar:
    official = frozenset(CalendarYear.objects.filter(source__in=OFFICIAL_SOURCES).values_list("year", flat=True))
    days = {
        day: (kind, name)
        for day, kind, name in CalendarDay.objects.filter(calendar_year__source__in=OFFICIAL_SOURCES).values_list(
            "date", "kind", "name"
        )
    }
    return _Calendar(
        token=token, official_years=official, days=days, checked_at=time.monotonic(), interval=_check_interval()
    )


def _calendar() -> _Calendar:
    """The calendar of this process, reloaded when the tables changed."""
    global _state
    state = _state
    if state is not None and time.monotonic() - state.checked_at < state.interval:
        return state
    with _lock:
        state = _state
        if state is not None and time.monotonic() - state.checked_at < state.interval:
            return state
        token = _current_token()
        if state is not None and state.token == token:
            state.checked_at = time.monotonic()
            return state
        # Read the token before the rows: a change in between leaves an old token, so the next
        # check reloads again rather than keeping new rows under a token that looks current.
        _state = _load(token)
        return _state


def clear_cache() -> None:
    """Forget the in-memory calendar; the next computation reloads it.

    Called by the receivers in ``receivers.py`` after any change to the tables. Tests that change the
    calendar inside a rolled-back transaction call it too (the rollback sends no signal).
    """
    global _state
    with _lock:
        _state = None


# --- days --------------------------------------------------------------------------------------


def to_local_date(value: datetime.date | datetime.datetime) -> datetime.date:
    """The Asia/Shanghai calendar date of a date or an aware datetime (naive datetimes are refused)."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("a naive datetime is ambiguous; pass a date or an aware datetime")
        return value.astimezone(TZ).date()
    if isinstance(value, datetime.date):
        return value
    raise TypeError(f"expected a date or an aware datetime, got {type(value).__name__}")


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last instant of ``day`` in Asia/Shanghai (how every deadline is represented)."""
    return datetime.datetime.combine(day, END_OF_DAY, tzinfo=TZ)


_MEMO_LIMIT = 20000  # about 55 years of days; a runaway caller cannot grow the memo without bound


def _day(cal: _Calendar, day: datetime.date) -> DayInfo:
    info = cal.memo.get(day)
    if info is None:
        if len(cal.memo) >= _MEMO_LIMIT:
            cal.memo.clear()
        info = cal.memo[day] = _classify(cal, day)
    return info


def _classify(cal: _Calendar, day: datetime.date) -> DayInfo:
    weekend = day.weekday() >= 5
    if day.year in cal.official_years:
        entry = cal.days.get(day)
        provisional = False
    else:
        name = provisional_holidays(day.year).get(day)
        entry = (DayKind.HOLIDAY, name) if name is not None else None
        provisional = True
    if entry is None:
        if weekend:
            return DayInfo(day, False, DayType.WEEKEND, "", provisional)
        return DayInfo(day, True, DayType.WORKDAY, "", provisional)
    kind, name = entry
    if kind == DayKind.WORKDAY:
        # A workday row on a Monday–Friday changes nothing; it is shown as an ordinary workday.
        return DayInfo(day, True, DayType.ADJUSTED_WORKDAY if weekend else DayType.WORKDAY, name, provisional)
    return DayInfo(day, False, DayType.HOLIDAY, name, provisional)


def day_info(day: datetime.date | datetime.datetime) -> DayInfo:
    """What the calendar says about one date (working or not, why, provisional or not)."""
    return _day(_calendar(), to_local_date(day))


def is_working_day(day: datetime.date | datetime.datetime) -> bool:
    """Whether people work on this date in China (adjusted working weekends included)."""
    return _day(_calendar(), to_local_date(day)).working


def next_working_day(day: datetime.date | datetime.datetime) -> datetime.date:
    """The first working day strictly after ``day``."""
    cal = _calendar()
    current = to_local_date(day) + _ONE_DAY
    while not _day(cal, current).working:
        current += _ONE_DAY
    return current


def is_official_year(year: int) -> bool:
    """Whether the State Council's schedule for ``year`` is in the table (otherwise: provisional)."""
    return year in _calendar().official_years


def official_years() -> frozenset[int]:
    """All years with an official schedule."""
    return _calendar().official_years


def year_days(year: int) -> list[DayInfo]:
    """The exceptional days of ``year`` (days off and adjusted working days), in date order."""
    cal = _calendar()
    if year in cal.official_years:
        dates: Iterable[datetime.date] = (day for day in cal.days if day.year == year)
    else:
        dates = provisional_holidays(year).keys()
    return [_day(cal, day) for day in sorted(dates)]


# --- deadlines ---------------------------------------------------------------------------------


def _check_n(n: int) -> None:
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError("n must be an int")
    if not 1 <= n <= MAX_DAYS:
        raise ValueError(f"n must be between 1 and {MAX_DAYS}, not {n}")


def _provisional_years(days: Iterable[DayInfo]) -> tuple[int, ...]:
    return tuple(sorted({d.date.year for d in days if d.provisional}))


def add_working_days(start: datetime.date | datetime.datetime, n: int) -> DeadlineResult:
    """ "N个工作日": the end of the N-th working day after ``start`` (the start day is not counted)."""
    _check_n(n)
    cal = _calendar()
    start_date = to_local_date(start)
    memo = cal.memo
    counted: list[datetime.date] = []
    skipped: list[DayInfo] = []
    adjusted: list[datetime.date] = []
    provisional: set[int] = set()
    current = start_date
    # The hot loop of every deadline: plain locals and the memo, no per-day function call once warm.
    while len(counted) < n:
        current += _ONE_DAY
        info = memo.get(current) or _day(cal, current)
        if info.provisional:
            provisional.add(current.year)
        if info.working:
            counted.append(current)
            if info.type is DayType.ADJUSTED_WORKDAY:
                adjusted.append(current)
        else:
            skipped.append(info)
    return DeadlineResult(
        rule=Rule.WORKING_DAYS,
        n=n,
        start=start_date,
        due_date=current,
        deadline=datetime.datetime.combine(current, END_OF_DAY, tzinfo=TZ),
        working_days=tuple(counted),
        skipped=tuple(skipped),
        adjusted=tuple(adjusted),
        provisional_years=tuple(sorted(provisional)),
    )


def add_calendar_days(start: datetime.date | datetime.datetime, n: int) -> DeadlineResult:
    """ "N日": the end of day ``start + n``, or of the next working day if that day is a rest day."""
    _check_n(n)
    cal = _calendar()
    start_date = to_local_date(start)
    last = start_date + _ONE_DAY * n
    # Only day N and the days it is extended over decide the result; days inside the period
    # count whatever they are, so they are not consulted (and cannot make it provisional).
    info = _day(cal, last)
    consulted = [info]
    skipped: list[DayInfo] = []
    due = last
    while not info.working:
        skipped.append(info)
        due += _ONE_DAY
        info = _day(cal, due)
        consulted.append(info)
    return DeadlineResult(
        rule=Rule.CALENDAR_DAYS,
        n=n,
        start=start_date,
        due_date=due,
        deadline=datetime.datetime.combine(due, END_OF_DAY, tzinfo=TZ),
        skipped=tuple(skipped),
        adjusted=(due,) if info.type is DayType.ADJUSTED_WORKDAY else (),
        provisional_years=_provisional_years(consulted),
    )


def end_of_same_day(start: datetime.date | datetime.datetime) -> DeadlineResult:
    """ "当天/当日": the end of the start day itself, whatever kind of day it is."""
    start_date = to_local_date(start)
    return DeadlineResult(
        rule=Rule.SAME_DAY,
        n=0,
        start=start_date,
        due_date=start_date,
        deadline=end_of_day(start_date),
        skipped=(),
    )


def compute_deadline(rule: Rule | str, start: datetime.date | datetime.datetime, n: int = 0) -> DeadlineResult:
    """Dispatch on a rule stored as data (process definitions): working_days, calendar_days, same_day."""
    rule = Rule(rule)
    if rule is Rule.WORKING_DAYS:
        return add_working_days(start, n)
    if rule is Rule.CALENDAR_DAYS:
        return add_calendar_days(start, n)
    return end_of_same_day(start)


# --- explanations and warnings -----------------------------------------------------------------


def _fmt(day: datetime.date) -> str:
    return f"{day.isoformat()}（{WEEKDAYS_ZH[day.weekday()]}）"


def fold_dates(days: Iterable[datetime.date]) -> list[tuple[datetime.date, datetime.date]]:
    """Consecutive dates (in order) folded into (first, last) ranges, for compact explanations."""
    result: list[tuple[datetime.date, datetime.date]] = []
    for day in days:
        if result and result[-1][1] + _ONE_DAY == day:
            result[-1] = (result[-1][0], day)
        else:
            result.append((day, day))
    return result


def _range_text(first: datetime.date, last: datetime.date) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()}至{last.isoformat()}"


def _skipped_text(skipped: Iterable[DayInfo]) -> str:
    """Rest days folded into ranges of the same label: 2026-02-15至2026-02-23（春节）."""
    groups: list[tuple[str, datetime.date, datetime.date]] = []
    for info in skipped:
        if groups and groups[-1][0] == info.label and groups[-1][2] + _ONE_DAY == info.date:
            groups[-1] = (info.label, groups[-1][1], info.date)
        else:
            groups.append((info.label, info.date, info.date))
    return "、".join(f"{_range_text(first, last)}（{label}）" for label, first, last in groups)


def _explain(result: DeadlineResult) -> str:
    due = f"期限届满日为{_fmt(result.due_date)}，截止时间为当日24时。"
    if result.rule is Rule.SAME_DAY:
        text = f"当天办理：自{_fmt(result.start)}起，当日有效。{due}"
    elif result.rule is Rule.WORKING_DAYS:
        counted = "、".join(_range_text(a, b) for a, b in fold_dates(result.counted))
        text = f"自{_fmt(result.start)}起算{result.n}个工作日（起算当日不计）。计入的工作日：{counted}"
        if result.adjusted:
            text += f"（其中{'、'.join(d.isoformat() for d in result.adjusted)}为调休上班日）"
        text += "。"
        if result.skipped:
            text += f"跳过的休息日：{_skipped_text(result.skipped)}。"
        text += due
    else:
        last = result.start + _ONE_DAY * result.n
        text = f"自{_fmt(result.start)}起算{result.n}日（起算当日不计），第{result.n}日为{_fmt(last)}"
        if result.skipped:
            text += (
                f"，是休息日（{result.skipped[0].label}），顺延至其后第一个工作日{_fmt(result.due_date)}"
                f"（顺延跳过：{_skipped_text(result.skipped)}）。"
            )
        elif result.adjusted:
            text += "，是调休上班日，不顺延。"
        else:
            text += "，是工作日。"
        text += due
    if result.provisional:
        years = "、".join(f"{year}年" for year in result.provisional_years)
        text += (
            f"注意：{years}的国务院放假安排尚未录入，按《全国年节及纪念日放假办法》暂定推算；正式安排录入后将重新计算。"
        )
    return text


def local_today() -> datetime.date:
    """Today's date in Asia/Shanghai."""
    return datetime.datetime.now(TZ).date()


def missing_schedule_warning(today: datetime.date | None = None) -> str | None:
    """A warning for administrators when a needed year's official schedule is missing, else None.

    Warns about the current year whenever it is missing, and about next year from the month-day in
    ``settings.UNIONSERVE["CALENDAR_WARN_FROM"]`` (1 November: the State Council publishes the next
    year's schedule in November).
    """
    day = today or local_today()
    years = official_years()
    if day.year not in years:
        return gettext(
            "The official holiday schedule for %(year)d has not been entered; deadlines in %(year)d are provisional."
        ) % {"year": day.year}
    warn_from = tuple(getattr(settings, "UNIONSERVE", {}).get("CALENDAR_WARN_FROM", (11, 1)))
    if (day.month, day.day) >= warn_from and day.year + 1 not in years:
        return gettext(
            "The official holiday schedule for %(year)d has not been entered yet; "
            "deadlines in %(year)d are provisional until an administrator enters it."
        ) % {"year": day.year + 1}
    return None
