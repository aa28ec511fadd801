"""Seeding from the chinese-calendar package: the data migration and ``seed_calendar`` (idempotent)."""

from __future__ import annotations

import datetime

import chinese_calendar
import pytest
from django.core.management import call_command

from unionserve.workcalendar import service
from unionserve.workcalendar.models import CalendarDay, CalendarYear, DayKind, YearSource
from unionserve.workcalendar.seeding import package_schedule, seed_from_package

pytestmark = pytest.mark.django_db

D = datetime.date


def test_the_migration_seeded_every_year_the_package_covers():
    years = set(CalendarYear.objects.filter(source=YearSource.PACKAGE).values_list("year", flat=True))
    assert years == set(range(2004, 2027)) == set(package_schedule())
    assert CalendarDay.objects.count() == len(chinese_calendar.holidays) + len(chinese_calendar.workdays)
    day = CalendarDay.objects.get(date=D(2026, 2, 28))
    assert day.kind == DayKind.WORKDAY and day.name == "春节" and day.calendar_year.year == 2026


def test_every_package_day_agrees_with_the_package():
    start = D(2004, 1, 1)
    for offset in range((D(2026, 12, 31) - start).days + 1):
        day = start + datetime.timedelta(days=offset)
        assert service.is_working_day(day) == chinese_calendar.is_workday(day), day


def test_seeding_again_changes_nothing(signal_log, django_capture_on_commit_callbacks):
    revisions = dict(CalendarYear.objects.values_list("year", "revision"))
    with django_capture_on_commit_callbacks(execute=True):
        report = seed_from_package(today=D(2026, 11, 26))
    assert report.changed == [] and len(report.unchanged) == 23
    assert dict(CalendarYear.objects.values_list("year", "revision")) == revisions
    assert signal_log == []


def test_seeding_repairs_a_package_year_and_keeps_an_administrators_year(
    signal_log, django_capture_on_commit_callbacks
):
    CalendarDay.objects.filter(date=D(2025, 10, 8)).delete()
    CalendarYear.objects.filter(year=2024).update(source=YearSource.ADMIN)
    CalendarDay.objects.filter(date=D(2024, 10, 7)).delete()
    with django_capture_on_commit_callbacks(execute=True):
        report = seed_from_package(today=D(2026, 11, 26))
    assert report.updated == [2025] and report.kept_admin == [2024]
    assert signal_log == [[2025]]
    assert CalendarDay.objects.filter(date=D(2025, 10, 8)).exists()
    assert not CalendarDay.objects.filter(date=D(2024, 10, 7)).exists()


def test_seeding_records_provisional_years_up_to_next_year():
    CalendarYear.objects.filter(year__gt=2026).delete()
    report = seed_from_package(today=D(2028, 3, 1))
    assert report.provisional == [2027, 2028, 2029]
    assert CalendarYear.objects.get(year=2029).source == YearSource.PROVISIONAL
    assert not service.is_official_year(2029)


def test_management_command(capsys):
    call_command("seed_calendar")
    assert "unchanged: 2004" in capsys.readouterr().out
