"""The working-day calendar tables: one row per year, one row per exceptional day.

Only exceptions are stored: holidays (days off, including weekend days inside a holiday period) and
adjusted working days (调休, weekend days worked). Every other day follows the weekly rule
(Monday–Friday working). Computation lives in ``service.py``; writes go through ``schedule.py`` and
``seeding.py`` so that the in-memory cache and the ``calendar_changed`` signal stay right.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core.constraints import one_of_constraint


class YearSource(models.TextChoices):
    """Where a year's schedule came from."""

    # The data comes from the chinese-calendar library; users know it as the State Council's published schedule.
    PACKAGE = "package", pgettext_lazy("calendar source", "chinese-calendar package")
    ADMIN = "admin", _("Entered by administrator")
    PROVISIONAL = "provisional", _("Provisional (statutory rules)")


#: Sources that mean "the State Council's official schedule is present".
OFFICIAL_SOURCES = (YearSource.PACKAGE, YearSource.ADMIN)


class DayKind(models.TextChoices):
    """What an exceptional day is."""

    HOLIDAY = "holiday", _("Day off")
    WORKDAY = "workday", _("Adjusted working day")


class CalendarYear(models.Model):
    """Whether a year's official holiday schedule is present, where it came from, who entered it."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=16, choices=YearSource.choices, default=YearSource.PROVISIONAL)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Bumped on every change to the year or its days; the service compares a token built from it
    # to know when another process changed the calendar (see service._current_token).
    revision = models.PositiveIntegerField(_("revision"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        permissions = [("manage_calendar", "Can manage the working-day calendar")]

    def __str__(self) -> str:
        return f"{self.year} ({self.get_source_display()})"

    @property
    def is_official(self) -> bool:
        """True when the State Council's schedule for this year is in the table."""
        return self.source in OFFICIAL_SOURCES


class CalendarDay(models.Model):
    """One day off or adjusted working day. The day's year row is the year of its date."""

    calendar_year = models.ForeignKey(
        CalendarYear, verbose_name=_("year"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            one_of_constraint("kind", [DayKind.HOLIDAY, DayKind.WORKDAY], name="workcalendar_day_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()
