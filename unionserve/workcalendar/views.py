"""Pages of the working-day calendar: view (any logged-in user), edit (``workcalendar.manage_calendar``)."""

from __future__ import annotations

import calendar
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from unionserve.core.scope import scope_exempt

from . import service
from .forms import (
    DeadlineForm,
    HolidayRangeFormSet,
    ScheduleYearForm,
    UploadForm,
    WorkdayFormSet,
    holiday_initial,
    rows_from_formsets,
    workday_initial,
)
from .models import CalendarYear, YearSource
from .schedule import ScheduleError, apply_schedule, apply_upload, template_csv, template_xlsx
from .service import DayType
from .statutory import MAX_YEAR, MIN_YEAR

MANAGE_PERMISSION = "workcalendar.manage_calendar"
EXEMPT = "calendar is public reference data"


def _can_manage(request: HttpRequest) -> bool:
    return request.user.has_perm(MANAGE_PERMISSION)


def _require_manager(request: HttpRequest) -> None:
    if not _can_manage(request):
        raise PermissionDenied(_("Only calendar administrators may change the working-day calendar."))


def _year_param(request: HttpRequest, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except (TypeError, ValueError):
        return default
    return year if MIN_YEAR <= year <= MAX_YEAR else default


def _next_missing_year(today: datetime.date) -> int:
    """The year an administrator most likely wants to enter: the first one from this year without a schedule."""
    year = today.year
    while service.is_official_year(year):
        year += 1
    return year


def _years_overview(selected: int, today: datetime.date) -> list[dict]:
    """Every year in the table, plus (as provisional) this year, next year and the selected one if missing."""
    rows = {row.year: row for row in CalendarYear.objects.select_related("entered_by")}
    years = set(rows) | {today.year, today.year + 1, selected}
    overview = []
    for year in sorted(years, reverse=True):
        row = rows.get(year)
        overview.append(
            {
                "year": year,
                "official": service.is_official_year(year),
                "source": row.get_source_display() if row else YearSource.PROVISIONAL.label,
                "entered_by": row.entered_by if row and row.source == YearSource.ADMIN else None,
                "entered_at": row.entered_at if row and row.source == YearSource.ADMIN else None,
                "note": row.note if row else "",
            }
        )
    return overview


def _month_grid(year: int) -> list[dict]:
    """Twelve months of weeks (Monday first) of day cells for the template."""
    months = []
    weeks_source = calendar.Calendar(firstweekday=0)
    for month in range(1, 13):
        weeks = []
        for week in weeks_source.monthdatescalendar(year, month):
            cells: list[dict[str, object] | None] = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                info = service.day_info(day)
                cells.append({"day": day, "info": info, "css": _CELL_CSS[info.type]})
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
    return months


# Colours follow the printed calendars people know: days off red, 班 days blue, weekends grey.
_CELL_CSS = {
    DayType.WORKDAY: "",
    DayType.WEEKEND: "text-body-secondary bg-body-tertiary",
    DayType.HOLIDAY: "text-danger-emphasis bg-danger-subtle fw-semibold",
    DayType.ADJUSTED_WORKDAY: "text-primary-emphasis bg-primary-subtle fw-semibold",
}


def _periods(year: int) -> list[dict]:
    """The year's days off and adjusted working days folded into periods for a list."""
    periods: list[dict] = []
    for info in service.year_days(year):
        if info.type not in (DayType.HOLIDAY, DayType.ADJUSTED_WORKDAY):
            continue
        last = periods[-1] if periods else None
        if (
            last
            and last["type"] == info.type
            and last["name"] == info.name
            and last["end"] + datetime.timedelta(days=1) == info.date
        ):
            last["end"] = info.date
            last["days"] += 1
        else:
            periods.append({"type": info.type, "name": info.name, "start": info.date, "end": info.date, "days": 1})
    return periods


@scope_exempt(reason=EXEMPT)
@login_required
@require_http_methods(["GET", "HEAD"])
def index(request: HttpRequest) -> HttpResponse:
    """Years and their status, the missing-schedule warning, and the chosen year's calendar."""
    today = service.local_today()
    year = _year_param(request, today.year)
    context = {
        "year": year,
        "previous_year": year - 1 if year > MIN_YEAR else None,
        "next_year": year + 1 if year < MAX_YEAR else None,
        "official": service.is_official_year(year),
        "years": _years_overview(year, today),
        "months": _month_grid(year),
        "periods": _periods(year),
        "calendar_warning": service.missing_schedule_warning(today),
        "can_manage": _can_manage(request),
        "today": today,
    }
    return render(request, "workcalendar/index.html", context)


@scope_exempt(reason=EXEMPT)
@login_required
@require_http_methods(["GET", "HEAD"])
def compute(request: HttpRequest) -> HttpResponse:
    """Compute one deadline from a start date, a rule and N, with its explanation (a read-only GET form)."""
    result = None
    if "start" in request.GET:
        form = DeadlineForm(request.GET)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = service.compute_deadline(data["rule"], data["start"], data.get("n") or 0)
            except ValueError as exc:  # a year outside what the lunar library covers
                form.add_error(None, str(exc))
    else:
        form = DeadlineForm(initial={"start": service.local_today()})
    return render(request, "workcalendar/compute.html", {"form": form, "result": result})


def _success(request: HttpRequest, result) -> HttpResponse:
    messages.success(
        request,
        _("The official schedule for %(year)d has been saved (%(days)d days).")
        % {"year": result.year.year, "days": result.days_saved},
    )
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect(f"{reverse('workcalendar:index')}?year={result.year.year}")


@scope_exempt(reason=EXEMPT)
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def schedule_form(request: HttpRequest) -> HttpResponse:
    """Enter a year's State Council schedule as holiday periods and adjusted working days."""
    _require_manager(request)
    schedule_errors: list[str] = []
    if request.method == "POST":
        form = ScheduleYearForm(request.POST)
        holidays = HolidayRangeFormSet(request.POST, prefix="holiday", initial=holiday_initial())
        workdays = WorkdayFormSet(request.POST, prefix="workday", initial=workday_initial())
        if form.is_valid() and holidays.is_valid() and workdays.is_valid():
            try:
                result = apply_schedule(
                    form.cleaned_data["year"],
                    rows_from_formsets(holidays, workdays),
                    user=request.user,
                    request=request,
                    note=form.cleaned_data["note"],
                    replace=form.cleaned_data["replace"],
                )
            except ScheduleError as exc:
                schedule_errors = exc.errors
            else:
                return _success(request, result)
    else:
        form = ScheduleYearForm(initial={"year": _year_param(request, _next_missing_year(service.local_today()))})
        holidays = HolidayRangeFormSet(prefix="holiday", initial=holiday_initial())
        workdays = WorkdayFormSet(prefix="workday", initial=workday_initial())
    context = {"form": form, "holidays": holidays, "workdays": workdays, "schedule_errors": schedule_errors}
    return render(request, "workcalendar/schedule_form.html", context)


@scope_exempt(reason=EXEMPT)
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def schedule_upload(request: HttpRequest) -> HttpResponse:
    """Upload a year's schedule as CSV or XLSX (columns date, kind, name); all rows or none are saved."""
    _require_manager(request)
    schedule_errors: list[str] = []
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = apply_upload(
                    form.cleaned_data["year"],
                    upload.read(),
                    upload.name,
                    user=request.user,
                    request=request,
                    note=form.cleaned_data["note"],
                    replace=form.cleaned_data["replace"],
                )
            except ScheduleError as exc:
                schedule_errors = exc.errors
            else:
                return _success(request, result)
    else:
        form = UploadForm(initial={"year": _year_param(request, _next_missing_year(service.local_today()))})
    return render(request, "workcalendar/schedule_upload.html", {"form": form, "schedule_errors": schedule_errors})


@scope_exempt(reason=EXEMPT)
@login_required
@require_http_methods(["GET", "HEAD"])
def schedule_template(request: HttpRequest) -> HttpResponse:
    """Download the upload template: XLSX by default, ``?format=csv`` for CSV."""
    _require_manager(request)
    year = _year_param(request, _next_missing_year(service.local_today()))
    if request.GET.get("format") == "csv":
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="holiday-schedule-{year}.csv"'
        return response
    response = HttpResponse(
        template_xlsx(year), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="holiday-schedule-{year}.xlsx"'
    return response
