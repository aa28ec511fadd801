"""Deadlines on real dates around the 2025 and 2026 Spring Festival and National Day holidays."""

from __future__ import annotations

import datetime
import time
from zoneinfo import ZoneInfo

import pytest
from django.db.models import F

from unionserve.workcalendar import service
from unionserve.workcalendar.models import CalendarDay, CalendarYear, DayKind
from unionserve.workcalendar.service import DayType, Rule

pytestmark = pytest.mark.django_db

D = datetime.date
SH = ZoneInfo("Asia/Shanghai")


def days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]


# --- which days are working days ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (D(2025, 1, 28), D(2025, 2, 4)),  # 2025 Spring Festival
        (D(2025, 10, 1), D(2025, 10, 8)),  # 2025 National Day + Mid-Autumn
        (D(2026, 2, 15), D(2026, 2, 23)),  # 2026 Spring Festival
        (D(2026, 10, 1), D(2026, 10, 7)),  # 2026 National Day
    ],
)
def test_holiday_periods_are_days_off(first, last):
    for day in days(first, last):
        assert not service.is_working_day(day), day
        assert service.day_info(day).type is DayType.HOLIDAY


@pytest.mark.parametrize(
    "day",
    [
        D(2025, 1, 26),
        D(2025, 2, 8),
        D(2025, 9, 28),
        D(2025, 10, 11),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ],
)
def test_adjusted_working_weekends_are_working_days(day):
    assert day.weekday() >= 5
    info = service.day_info(day)
    assert info.working and info.type is DayType.ADJUSTED_WORKDAY and not info.provisional


def test_ordinary_days():
    assert service.is_working_day(D(2026, 3, 3))  # Tuesday
    assert not service.is_working_day(D(2026, 3, 7))  # Saturday
    assert service.day_info(D(2026, 3, 7)).type is DayType.WEEKEND
    assert service.is_working_day(D(2025, 10, 9)) and service.is_working_day(D(2026, 10, 8))
    assert service.next_working_day(D(2026, 2, 14)) == D(2026, 2, 24)


def test_day_names_come_from_the_package():
    assert service.day_info(D(2026, 2, 17)).name == "春节"
    assert service.day_info(D(2025, 10, 6)).name == "中秋"


# --- N个工作日 ----------------------------------------------------------------------------------


def test_ten_working_days_after_monday_2026_02_09_is_saturday_02_28():
    result = service.add_working_days(D(2026, 2, 9), 10)
    assert result.due_date == D(2026, 2, 28)
    assert result.deadline == datetime.datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=SH)
    assert result.counted == (
        D(2026, 2, 10),
        D(2026, 2, 11),
        D(2026, 2, 12),
        D(2026, 2, 13),
        D(2026, 2, 14),
        D(2026, 2, 24),
        D(2026, 2, 25),
        D(2026, 2, 26),
        D(2026, 2, 27),
        D(2026, 2, 28),
    )
    assert [d.date for d in result.skipped] == days(D(2026, 2, 15), D(2026, 2, 23))
    assert result.adjusted == (D(2026, 2, 14), D(2026, 2, 28))
    assert result.rule is Rule.WORKING_DAYS and result.start == D(2026, 2, 9)
    assert not result.provisional
    assert result.rule_zh == "10个工作日"
    text = result.explanation
    assert text.startswith("自2026-02-09（星期一）起算10个工作日（起算当日不计）")
    assert "2026-02-15至2026-02-23（春节）" in text
    assert "2026-02-14、2026-02-28为调休上班日" in text
    assert "期限届满日为2026-02-28（星期六）" in text


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        (D(2026, 2, 9), 9, D(2026, 2, 27)),  # one below: Friday
        (D(2026, 2, 9), 11, D(2026, 3, 2)),  # one above: skips Sunday 1 March
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Friday → 调休 Saturday
        (D(2026, 2, 14), 1, D(2026, 2, 24)),  # from the last day before the holiday
        # 2025 Spring Festival: 28 Jan–4 Feb off; Sunday 26 Jan and Saturday 8 Feb worked.
        (D(2025, 1, 24), 1, D(2025, 1, 26)),
        (D(2025, 1, 26), 1, D(2025, 1, 27)),
        (D(2025, 1, 27), 1, D(2025, 2, 5)),
        (D(2025, 1, 27), 4, D(2025, 2, 8)),
        (D(2025, 1, 27), 5, D(2025, 2, 10)),
        # 2025 National Day: 1–8 Oct off; Sunday 28 Sep and Saturday 11 Oct worked.
        (D(2025, 9, 26), 1, D(2025, 9, 28)),
        (D(2025, 9, 26), 6, D(2025, 10, 11)),
        (D(2025, 9, 26), 7, D(2025, 10, 13)),
        (D(2025, 9, 30), 1, D(2025, 10, 9)),
        (D(2025, 9, 30), 3, D(2025, 10, 11)),
        (D(2025, 9, 30), 4, D(2025, 10, 13)),
        # 2026 National Day: 1–7 Oct off; Sunday 20 Sep and Saturday 10 Oct worked.
        (D(2026, 9, 18), 1, D(2026, 9, 20)),
        (D(2026, 9, 30), 1, D(2026, 10, 8)),
        (D(2026, 9, 30), 3, D(2026, 10, 10)),
        (D(2026, 9, 30), 4, D(2026, 10, 12)),
        # 7 working days, the 12351 feedback limit, from the day before the holiday.
        (D(2026, 9, 29), 7, D(2026, 10, 14)),
    ],
)
def test_working_days(start, n, due):
    assert service.add_working_days(start, n).due_date == due


# --- N日 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "due", "extended"),
    [
        # 5日 from 28 Sep 2025: day 5 is 3 Oct (holiday) → next working day 9 Oct.
        (D(2025, 9, 28), 5, D(2025, 10, 9), True),
        (D(2025, 9, 25), 5, D(2025, 9, 30), False),  # just below: day 5 is Tuesday 30 Sep
        (D(2025, 9, 26), 5, D(2025, 10, 9), True),  # day 5 is 1 Oct, first day off
        (D(2025, 10, 3), 5, D(2025, 10, 9), True),  # day 5 is 8 Oct, last day off
        (D(2025, 10, 4), 5, D(2025, 10, 9), False),  # just above: day 5 is 9 Oct
        # 3日 ending on a 调休 Saturday stays there.
        (D(2026, 2, 25), 3, D(2026, 2, 28), False),
        (D(2025, 10, 8), 3, D(2025, 10, 11), False),
        (D(2025, 9, 25), 3, D(2025, 9, 28), False),  # 调休 Sunday
        # 3日 ending on an ordinary Saturday moves to Monday.
        (D(2026, 3, 4), 3, D(2026, 3, 9), True),
        # 7日 ending inside the Spring Festival, 15日 ending inside National Day.
        (D(2026, 2, 9), 7, D(2026, 2, 24), True),
        (D(2026, 9, 22), 15, D(2026, 10, 8), True),
        (D(2025, 1, 23), 3, D(2025, 1, 26), False),  # 调休 Sunday before the 2025 Spring Festival
        (D(2025, 1, 24), 3, D(2025, 1, 27), False),
        (D(2025, 1, 24), 4, D(2025, 2, 5), True),
    ],
)
def test_calendar_days(start, n, due, extended):
    result = service.add_calendar_days(start, n)
    assert result.due_date == due
    assert bool(result.skipped) is extended
    assert result.counted[0] == start + datetime.timedelta(days=1) and len(result.counted) == n
    assert result.deadline == datetime.datetime.combine(due, datetime.time.max, tzinfo=SH)


def test_calendar_days_explanations():
    moved = service.add_calendar_days(D(2025, 9, 28), 5)
    assert (
        "第5日为2025-10-03（星期五），是休息日（国庆节），顺延至其后第一个工作日2025-10-09（星期四）"
        in moved.explanation
    )
    kept = service.add_calendar_days(D(2026, 2, 25), 3)
    assert kept.adjusted == (D(2026, 2, 28),)
    assert "是调休上班日，不顺延" in kept.explanation


# --- 当天, inputs, representation ----------------------------------------------------------------


def test_same_day_ends_the_same_day_even_on_a_holiday():
    result = service.end_of_same_day(D(2026, 2, 17))
    assert result.due_date == D(2026, 2, 17) and result.rule is Rule.SAME_DAY
    assert result.deadline == datetime.datetime(2026, 2, 17, 23, 59, 59, 999999, tzinfo=SH)
    assert not result.provisional
    assert "当日" in result.explanation


def test_aware_datetime_start_is_read_in_beijing_time():
    # 17:30 UTC on 9 Feb is 01:30 on 10 Feb in Beijing: the period starts from 10 Feb.
    result = service.add_working_days(datetime.datetime(2026, 2, 9, 17, 30, tzinfo=datetime.UTC), 1)
    assert result.start == D(2026, 2, 10)
    assert result.due_date == D(2026, 2, 11)
    assert service.end_of_same_day(datetime.datetime(2026, 2, 9, 15, 59, tzinfo=datetime.UTC)).due_date == D(2026, 2, 9)


def test_naive_datetime_and_bad_n_are_refused():
    with pytest.raises(ValueError, match="naive"):
        service.add_working_days(datetime.datetime(2026, 2, 9, 9, 0), 1)
    with pytest.raises(ValueError):
        service.add_working_days(D(2026, 2, 9), 0)
    with pytest.raises(ValueError):
        service.add_calendar_days(D(2026, 2, 9), service.MAX_DAYS + 1)
    with pytest.raises(TypeError):
        service.add_calendar_days(D(2026, 2, 9), 1.5)


def test_deadline_is_the_last_instant_of_the_due_date():
    deadline = service.add_working_days(D(2026, 2, 9), 1).deadline
    assert deadline.utcoffset() == datetime.timedelta(hours=8)
    assert deadline + datetime.timedelta(microseconds=1) == datetime.datetime(2026, 2, 11, tzinfo=SH)


def test_compute_deadline_dispatches_on_stored_rules():
    assert service.compute_deadline("working_days", D(2026, 2, 9), 10).due_date == D(2026, 2, 28)
    assert service.compute_deadline(Rule.CALENDAR_DAYS, D(2026, 2, 9), 7).due_date == D(2026, 2, 24)
    assert service.compute_deadline("same_day", D(2026, 2, 9)).due_date == D(2026, 2, 9)
    summary = service.compute_deadline("working_days", D(2026, 2, 9), 10).as_dict()
    assert summary["due_date"] == "2026-02-28" and summary["provisional"] is False


def test_rule_label_is_translatable():
    from django.utils import translation

    result = service.add_working_days(D(2026, 2, 9), 7)
    with translation.override("en"):
        assert result.rule_label == "7 working days"


# --- speed and cache invalidation ----------------------------------------------------------------


def test_ten_thousand_deadlines_well_under_a_second(django_assert_max_num_queries):
    service.is_working_day(D(2026, 1, 5))  # load the calendar once
    start = D(2025, 1, 1)
    with django_assert_max_num_queries(2):
        began = time.perf_counter()
        for i in range(5000):
            day = start + datetime.timedelta(days=i % 700)
            service.add_working_days(day, 7)
            service.add_calendar_days(day, 15)
        elapsed = time.perf_counter() - began
    assert elapsed < 0.5, f"10,000 deadlines took {elapsed:.2f}s"


def test_a_change_in_this_process_is_seen_at_once():
    assert service.is_working_day(D(2026, 3, 3))
    CalendarDay.objects.create(
        calendar_year=CalendarYear.objects.get(year=2026), date=D(2026, 3, 3), kind=DayKind.HOLIDAY, name="测试"
    )
    assert not service.is_working_day(D(2026, 3, 3))
    assert CalendarYear.objects.get(year=2026).revision >= 2


def test_a_change_by_another_process_is_seen_at_the_next_check():
    assert service.is_working_day(D(2026, 3, 3))
    # Another process: rows written without signals reaching us, the year's revision bumped.
    year = CalendarYear.objects.get(year=2026)
    CalendarDay.objects.bulk_create([CalendarDay(calendar_year=year, date=D(2026, 3, 3), kind=DayKind.HOLIDAY)])
    CalendarYear.objects.filter(pk=year.pk).update(revision=F("revision") + 1)
    assert service.is_working_day(D(2026, 3, 3))  # within the check interval: the cached calendar
    service._state.checked_at -= 3600  # the interval has passed
    assert not service.is_working_day(D(2026, 3, 3))
