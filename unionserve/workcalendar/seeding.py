"""Seed the calendar from the ``chinese-calendar`` package (import name ``chinese_calendar``).

One function, ``seed_from_package``, called by the data migration (with the historical models) and by
``manage.py seed_calendar`` (with the real ones). It is idempotent: a year already equal to the
package is left alone, a package year that differs (the package was upgraded) is replaced, and a year
an administrator entered is never overwritten — the administrator's entry is the later, deliberate one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import chinese_calendar
from django.db import transaction
from django.db.models import F
from django.utils import timezone

# Plain strings rather than the model enums: the data migration passes historical models, and the
# values are frozen in the migration history anyway.
PACKAGE, ADMIN, PROVISIONAL = "package", "admin", "provisional"
HOLIDAY, WORKDAY = "holiday", "workday"


@dataclass
class SeedReport:
    """What a seeding run did, by year."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    kept_admin: list[int] = field(default_factory=list)
    provisional: list[int] = field(default_factory=list)

    @property
    def changed(self) -> list[int]:
        return sorted(self.created + self.updated)

    def __str__(self) -> str:
        def years(values: list[int]) -> str:
            return ", ".join(map(str, values)) or "-"

        return (
            f"created: {years(self.created)}; updated: {years(self.updated)}; unchanged: {years(self.unchanged)}; "
            f"kept (entered by administrator): {years(self.kept_admin)}; provisional rows: {years(self.provisional)}"
        )


def _holiday_name(value: str) -> str:
    """Chinese name of a chinese_calendar.Holiday value ("Spring Festival" -> "春节")."""
    try:
        return chinese_calendar.Holiday(value).chinese
    except ValueError:
        return value


def package_schedule() -> dict[int, dict[datetime.date, tuple[str, str]]]:
    """The package's data by year: {year: {date: (kind, name)}}; every year it covers (2004–2026 in 1.11.0)."""
    by_year: dict[int, dict[datetime.date, tuple[str, str]]] = {}
    for day, value in chinese_calendar.holidays.items():
        by_year.setdefault(day.year, {})[day] = (HOLIDAY, _holiday_name(value))
    for day, value in chinese_calendar.workdays.items():
        by_year.setdefault(day.year, {})[day] = (WORKDAY, _holiday_name(value))
    first, last = min(by_year), max(by_year)
    # A covered year with no exceptions at all would still be official; none exists, but be exact.
    return {year: by_year.get(year, {}) for year in range(first, last + 1)}


def seed_from_package(
    *,
    year_model=None,
    day_model=None,
    today: datetime.date | None = None,
    send_signal: bool = True,
) -> SeedReport:
    """Load every year the package covers into the tables; add provisional rows up to next year.

    ``year_model``/``day_model`` default to the real models; the data migration passes historical
    ones. ``calendar_changed`` is sent after commit for the years whose days changed (not from the
    migration, where receivers of other apps may not be migrated yet).
    """
    if year_model is None or day_model is None:
        from .models import CalendarDay, CalendarYear

        year_model, day_model = CalendarYear, CalendarDay
    report = SeedReport()
    now = timezone.now()
    schedule = package_schedule()
    with transaction.atomic():
        existing = {row.year: row for row in year_model.objects.all()}
        for year, wanted in sorted(schedule.items()):
            row = existing.get(year)
            if row is not None and row.source == ADMIN:
                report.kept_admin.append(year)
                continue
            if row is None:
                row = year_model.objects.create(year=year, source=PACKAGE, entered_at=now, revision=1)
                report.created.append(year)
            else:
                have = {
                    d: (k, n)
                    for d, k, n in day_model.objects.filter(calendar_year=row).values_list("date", "kind", "name")
                }
                if row.source == PACKAGE and have == wanted:
                    report.unchanged.append(year)
                    continue
                day_model.objects.filter(calendar_year=row).delete()
                (report.updated if row.source == PACKAGE else report.created).append(year)
                year_model.objects.filter(pk=row.pk).update(
                    source=PACKAGE, entered_by=None, entered_at=now, revision=F("revision") + 1, updated_at=now
                )
            day_model.objects.bulk_create(
                [day_model(calendar_year=row, date=d, kind=k, name=n) for d, (k, n) in sorted(wanted.items())]
            )
        # Record the years after the package as provisional, so the year table shows them.
        until = (today or timezone.localdate()).year + 1
        for year in range(max(schedule) + 1, until + 1):
            if year not in existing:
                year_model.objects.create(year=year, source=PROVISIONAL, revision=1)
                report.provisional.append(year)
        if send_signal and report.changed:
            from . import service
            from .models import CalendarYear
            from .signals import calendar_changed

            service.clear_cache()
            changed = report.changed
            transaction.on_commit(lambda: calendar_changed.send(sender=CalendarYear, years=changed))
    return report
