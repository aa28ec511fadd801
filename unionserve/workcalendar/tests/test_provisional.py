"""The provisional calendar (statutory holidays only) for years without an official schedule: 2027 now."""

from __future__ import annotations

import datetime

import chinese_calendar
import pytest
from lunardate import LunarDate

from unionserve.workcalendar import service
from unionserve.workcalendar.models import CalendarYear, DayKind, YearSource
from unionserve.workcalendar.schedule import ScheduleRow, apply_schedule
from unionserve.workcalendar.service import DayType
from unionserve.workcalendar.statutory import festivals, provisional_holidays

D = datetime.date


def test_statutory_festivals_of_2027():
    by_name = dict(festivals(2027))
    assert by_name["元旦"] == [D(2027, 1, 1)]
    assert by_name["春节"] == [D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)]  # 除夕 … 初三
    assert by_name["清明节"] == [D(2027, 4, 5)]
    assert by_name["劳动节"] == [D(2027, 5, 1), D(2027, 5, 2)]
    assert by_name["端午节"] == [D(2027, 6, 9)]
    assert by_name["中秋节"] == [D(2027, 9, 15)]
    assert by_name["国庆节"] == [D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)]


def test_new_years_eve_is_the_day_before_new_year_even_on_the_29th():
    # 除夕 2025 (28 Jan) was 腊月二十九: a lunar month 12 with 29 days.
    eve = dict(festivals(2025))["春节"][0]
    assert eve == D(2025, 1, 28)
    lunar = LunarDate.from_solar_date(2025, 1, 28)
    assert (lunar.month, lunar.day) == (12, 29)


def test_make_up_days_for_festival_days_on_a_weekend():
    days = provisional_holidays(2027)
    # 春节 2027: Saturday 6 and Sunday 7 Feb → made up on Tuesday 9 and Wednesday 10 Feb.
    assert days[D(2027, 2, 9)] == "春节（补假）" and days[D(2027, 2, 10)] == "春节（补假）"
    assert D(2027, 2, 11) not in days
    # 劳动节 on Saturday/Sunday 1–2 May → Monday 3, Tuesday 4 May; 国庆节 2–3 Oct → 4, 5 Oct.
    assert {D(2027, 5, 3), D(2027, 5, 4), D(2027, 10, 4), D(2027, 10, 5)} <= days.keys()
    assert D(2027, 4, 6) not in days  # 清明 on a Monday: nothing to make up


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_provisional_day_off_is_off_in_the_official_schedule(year):
    # The rules (with 补假) never give a day off that the State Council did not: checked on real years.
    for day in provisional_holidays(year):
        assert chinese_calendar.is_holiday(day), (day, provisional_holidays(year)[day])


def test_years_out_of_range_are_refused():
    with pytest.raises(ValueError):
        festivals(2100)


@pytest.mark.django_db
def test_2027_is_provisional():
    assert not service.is_official_year(2027)
    info = service.day_info(D(2027, 2, 5))
    assert not info.working and info.provisional and info.name == "春节" and info.type is DayType.HOLIDAY
    assert service.is_working_day(D(2027, 2, 4)) and service.day_info(D(2027, 2, 4)).provisional
    assert not service.is_working_day(D(2027, 9, 15))
    assert not service.is_working_day(D(2027, 6, 9))
    assert not service.is_working_day(D(2027, 4, 5))
    assert [d.date for d in service.year_days(2027)][:2] == [D(2027, 1, 1), D(2027, 2, 5)]


@pytest.mark.django_db
def test_deadline_crossing_into_2027_is_provisional():
    inside = service.add_working_days(D(2026, 12, 18), 7)
    assert inside.due_date == D(2026, 12, 29) and not inside.provisional
    crossing = service.add_working_days(D(2026, 12, 28), 7)
    # 29, 30, 31 Dec; 1 Jan 2027 (元旦, Friday) off; 2–3 Jan weekend; 4, 5, 6, 7 Jan.
    assert crossing.due_date == D(2027, 1, 7)
    assert crossing.provisional and crossing.provisional_years == (2027,)
    assert "2027年的国务院放假安排尚未录入" in crossing.explanation
    # N日 only consults day N onward: ending on 30 Dec 2026 it is not provisional.
    assert not service.add_calendar_days(D(2026, 12, 20), 10).provisional
    assert service.add_calendar_days(D(2026, 12, 25), 10).provisional


def _official_2027() -> list[ScheduleRow]:
    """A 2027 schedule as an administrator would type it from a notice (dates invented for the test)."""
    rows = [
        ScheduleRow(D(2027, 1, 1), DayKind.HOLIDAY, "元旦", "t"),
        ScheduleRow(D(2027, 1, 2), DayKind.HOLIDAY, "元旦", "t"),
    ]
    rows += [ScheduleRow(D(2027, 2, d), DayKind.HOLIDAY, "春节", "t") for d in range(5, 14)]
    rows += [ScheduleRow(D(2027, 2, 20), DayKind.WORKDAY, "春节", "t")]
    rows += [ScheduleRow(D(2027, 10, d), DayKind.HOLIDAY, "国庆节", "t") for d in range(1, 8)]
    rows += [ScheduleRow(D(2027, 9, 26), DayKind.WORKDAY, "国庆节", "t")]
    return rows


@pytest.mark.django_db
def test_entering_the_official_2027_schedule_makes_it_official_and_fires_the_signal(
    django_capture_on_commit_callbacks, signal_log
):
    before = service.add_working_days(D(2026, 12, 28), 7)
    assert before.provisional
    with django_capture_on_commit_callbacks(execute=True):
        result = apply_schedule(2027, _official_2027(), note="国办发明电〔2026〕X号")
    assert signal_log == [[2027]]
    assert result.years_changed == [2027]
    row = CalendarYear.objects.get(year=2027)
    assert row.source == YearSource.ADMIN and row.entered_at is not None and row.is_official
    assert service.is_official_year(2027)
    after = service.add_working_days(D(2026, 12, 28), 7)
    assert not after.provisional
    assert after.due_date == D(2027, 1, 7)  # 2 Jan is a Saturday anyway
    assert service.day_info(D(2027, 2, 20)).type is DayType.ADJUSTED_WORKDAY
    assert not service.is_working_day(D(2027, 2, 12))  # the official schedule, not the statutory rules
    assert service.is_working_day(D(2027, 6, 9))  # not in this test notice, so an ordinary Wednesday
    assert service.add_working_days(D(2027, 2, 19), 1).due_date == D(2027, 2, 20)
