"""Every change of the stations' data: one function each, keyword-only ``acting_user``, in a transaction, with
its audit row. Pages and the API call the same functions; callers have checked the role and found the station
through the scope (out of scope is 404 before anything here runs).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve.audit.log import record
from unionserve.core import roles
from unionserve.core.units import UnitKind

from . import rules
from .models import (
    REPORT_FIGURES,
    Attendance,
    MonthlyReport,
    Post,
    ProfileChange,
    ReportStatus,
    StationPhoto,
    StationProfile,
    StationWorker,
    TrainingCourse,
)

PROFILE_FIELDS = ("street_facing", "own_office", "area_m2", "city_sign", "rooms", "equipment", "pcs", "postings",
                  "outdoor_board", "video_link", "retained_funds")
INSPECTION_FIELDS = ("standardized_on", "stars")
#: The largest figure a report takes (a street has at most a few hundred thousand workers).
MAX_FIGURE = 10_000_000


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def may_edit(station, user) -> bool:
    """A station's own people edit its profile and report: EDIT_STATION held at that very station."""
    return bool(user.has_perm(roles.EDIT_STATION) and user.org_unit_id == station.pk)


def may_review(station, user) -> bool:
    """The district center above a station reviews its reports."""
    return bool(user.has_perm(roles.REVIEW_STATION_REPORTS) and user.org_unit_id == station.region_parent_id)


def profile_of(station) -> StationProfile:
    """The station's profile (an empty one, not saved, until somebody fills it in)."""
    try:
        return station.station_profile
    except StationProfile.DoesNotExist:
        return StationProfile(station=station)


def _check_station(station) -> None:
    if station.kind != UnitKind.STATION:
        raise ValidationError(_("This unit is not a service station."))


@transaction.atomic
def save_profile(station, *, acting_user, version: int | None = None, **data) -> StationProfile:
    """Change the premises and fittings; every changed field is kept in the history and the audit log."""
    _check_station(station)
    if not may_edit(station, acting_user):
        raise PermissionDenied
    profile = StationProfile.objects.select_for_update().filter(station=station).first() or StationProfile(
        station=station)
    if profile.pk and version is not None and version != profile.version:
        raise ValidationError(_("Somebody else changed this profile meanwhile; reload the page and try again."))
    return _apply(profile, data, PROFILE_FIELDS, acting_user)


def _apply(profile: StationProfile, data: dict, allowed: tuple[str, ...], acting_user) -> StationProfile:
    changes = {}
    for name in allowed:
        if name not in data:
            continue
        new = data[name]
        if isinstance(new, list):
            new = sorted(set(new))
        old = getattr(profile, name)
        if old != new:
            changes[name] = [_json(old), _json(new)]
            setattr(profile, name, new)
    if not changes and profile.pk:
        return profile
    profile.full_clean(exclude=["station"])
    if profile.pk:
        profile.version += 1
    profile.save()
    ProfileChange.objects.create(station=profile.station, by=acting_user, changes=changes)
    record("station_changed", actor=acting_user, obj=profile, unit=profile.station,
           detail={"fields": sorted(changes)})
    return profile


@transaction.atomic
def record_inspection(station, *, acting_user, standardized_on: dt.date | None, stars: int) -> StationProfile:
    """The city office records the acceptance of standardization and the star rating (001 §三(一)5)."""
    _check_station(station)
    if not acting_user.has_perm(roles.INSPECT_STATIONS):
        raise PermissionDenied
    if standardized_on is not None and standardized_on > timezone.localdate():
        raise ValidationError(_("The acceptance date cannot be in the future."))
    profile = StationProfile.objects.select_for_update().filter(station=station).first() or StationProfile(
        station=station)
    return _apply(profile, {"standardized_on": standardized_on, "stars": stars}, INSPECTION_FIELDS, acting_user)


@transaction.atomic
def add_photo(station, *, acting_user, file, caption: str = "") -> StationPhoto:
    """Attach a photo of the premises."""
    if not may_edit(station, acting_user):
        raise PermissionDenied
    photo = StationPhoto.objects.create(station=station, file=file, caption=caption[:100], uploaded_by=acting_user)
    record("station_changed", actor=acting_user, obj=photo, unit=station, detail={"file": photo.file.name})
    return photo


# --- people ---------------------------------------------------------------------------------------


@transaction.atomic
def save_worker(station, worker: StationWorker | None, *, acting_user, **data) -> StationWorker:
    """Add a person to the station or change their file; a second head is refused."""
    _check_station(station)
    if not may_edit(station, acting_user):
        raise PermissionDenied
    if worker is None:
        worker = StationWorker(station=station)
    elif worker.station_id != station.pk:
        raise PermissionDenied
    for name, value in data.items():
        setattr(worker, name, value)
    worker.full_clean(exclude=["station"])
    if worker.left_on is None and worker.post in (Post.HEAD, Post.DEPUTY):
        clash = StationWorker.objects.filter(station=station, post=worker.post, left_on__isnull=True).exclude(
            pk=worker.pk)
        if clash.exists():
            raise ValidationError(_("The station already has a %(post)s.") % {"post": worker.get_post_display()})
    if worker.left_on is not None and worker.left_on < worker.hired_on:
        raise ValidationError(_("Left before being hired."))
    created = worker.pk is None
    worker.save()
    record("station_worker", actor=acting_user, obj=worker, unit=station,
           detail={"name": worker.name, "created": created, "fields": sorted(data)})
    return worker


# --- training -------------------------------------------------------------------------------------


def may_manage_course(course_unit, user) -> bool:
    return bool(user.has_perm(roles.MANAGE_STATION_TRAINING) and user.org_unit_id == course_unit.pk)


@transaction.atomic
def save_course(course: TrainingCourse | None, *, acting_user, **data) -> TrainingCourse:
    """A course held by the acting user's unit (the city or a district)."""
    unit = acting_user.org_unit
    if unit is None or not acting_user.has_perm(roles.MANAGE_STATION_TRAINING):
        raise PermissionDenied
    if course is None:
        course = TrainingCourse(unit=unit,
                                organizer="city" if unit.kind == UnitKind.CITY_CENTER else "district")
    elif not may_manage_course(course.unit, acting_user):
        raise PermissionDenied
    for name, value in data.items():
        setattr(course, name, value)
    course.full_clean(exclude=["unit"])
    course.save()
    record("station_training", actor=acting_user, obj=course, unit=unit,
           detail={"title": course.title, "fields": sorted(data)})
    return course


@transaction.atomic
def record_attendance(course: TrainingCourse, worker: StationWorker, hours: Decimal, *, acting_user) -> Attendance:
    """Hours a worker attended a course (at most the course's hours); 0 removes the attendance."""
    if not may_manage_course(course.unit, acting_user):
        raise PermissionDenied
    if hours < 0 or hours > course.hours:
        raise ValidationError(_("Hours attended must be between 0 and the course's %(h)s hours.") % {
            "h": course.hours})
    if hours == 0:
        Attendance.objects.filter(course=course, worker=worker).delete()
        row = Attendance(course=course, worker=worker, hours=hours)
    else:
        row, _created = Attendance.objects.update_or_create(course=course, worker=worker,
                                                            defaults={"hours": hours})
    record("station_training", actor=acting_user, obj=course, unit=course.unit,
           detail={"name": worker.name, "count": str(hours)})
    return row


# --- the monthly report ---------------------------------------------------------------------------


def report_for(station, period: dt.date) -> MonthlyReport:
    """The station's report of a month: the stored one, else a new draft (not saved) with its due day."""
    period = rules.month_start(period)
    found = MonthlyReport.objects.filter(station=station, period=period).first()
    if found is not None:
        return found
    due, used = rules.due_day(period)
    return MonthlyReport(station=station, period=period, due_on=due, due_policy=used)


def clean_figures(raw: dict[str, Any]) -> dict[str, int]:
    """The report's figures as whole numbers 0 … MAX_FIGURE; unknown names refused."""
    out: dict[str, int] = {}
    for name, value in raw.items():
        if name not in REPORT_FIGURES:
            raise ValidationError(_("Unknown figure %(name)s.") % {"name": name})
        try:
            number = int(value)
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("%(name)s must be a whole number.") % {"name": REPORT_FIGURES[name][0]}) from exc
        if not 0 <= number <= MAX_FIGURE:
            raise ValidationError(_("%(name)s must be between 0 and %(max)s.") % {
                "name": REPORT_FIGURES[name][0], "max": MAX_FIGURE})
        out[name] = number
    return out


def _editable(report: MonthlyReport) -> None:
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise ValidationError(_("This report has been submitted; it can be changed only after a return."))


@transaction.atomic
def save_report(station, period: dt.date, *, acting_user, figures: dict, narrative: str = "",
                submit: bool = False, version: int | None = None) -> MonthlyReport:
    """Save a station's monthly report, and submit it when asked (a month that has not ended cannot be)."""
    _check_station(station)
    if not may_edit(station, acting_user):
        raise PermissionDenied
    report = report_for(station, period)
    if report.pk:
        report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        if version is not None and version != report.version:
            raise ValidationError(_("Somebody else changed this report meanwhile; reload the page and try again."))
    _editable(report)
    today = timezone.localdate()
    if report.period > today:
        raise ValidationError(_("A month that has not begun cannot be reported."))
    report.figures = {**report.figures, **clean_figures(figures)}
    report.narrative = narrative[:4000]
    if submit:
        if rules.next_month(report.period) > today:
            raise ValidationError(_("The month has not ended yet; submit from its last day on."))
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = acting_user
        if report.first_submitted_on is None:
            report.first_submitted_on = today
    if report.pk:
        report.version += 1
    report.save()
    record("station_report", actor=acting_user, obj=report, unit=station,
           detail={"report": f"{report.period:%Y-%m}", "status": report.status})
    return report


@transaction.atomic
def review_report(report: MonthlyReport, *, acting_user, approve: bool, reason: str = "") -> MonthlyReport:
    """The district approves a submitted report, or returns it with a reason."""
    if not may_review(report.station, acting_user):
        raise PermissionDenied
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be reviewed."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError(_("Say why the report is returned."))
    report.status = ReportStatus.APPROVED if approve else ReportStatus.RETURNED
    report.return_reason = "" if approve else reason[:500]
    report.reviewed_at = timezone.now()
    report.reviewed_by = acting_user
    report.version += 1
    report.save()
    record("station_report", actor=acting_user, obj=report, unit=report.station,
           detail={"report": f"{report.period:%Y-%m}", "status": report.status, "reason": report.return_reason})
    if not approve:
        from unionserve.notifications.api import notify

        notify("station.report_returned", units=[report.station],
               context={"unit": report.station.region_parent.name if report.station.region_parent else "",
                        "month": f"{report.period:%Y-%m}", "reason": report.return_reason})
    return report


@transaction.atomic
def record_money(station, *, acting_user, received: bool, on: dt.date, amount: Decimal, source: str = "",
                 category: str = "", note: str = ""):
    """Funds received by source, or spending by category, of the station."""
    from .models import FundSource, MoneyEntry, SpendCategory

    _check_station(station)
    if not may_edit(station, acting_user):
        raise PermissionDenied
    if received and source not in FundSource.values:
        raise ValidationError(_("Choose where the funds came from."))
    if not received and category not in SpendCategory.values:
        raise ValidationError(_("Choose what the money was spent on."))
    if on > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    entry = MoneyEntry(station=station, on=on, received=received, source=source if received else "",
                       category="" if received else category, amount=amount, note=note[:200],
                       entered_by=acting_user)
    entry.full_clean(exclude=["station", "entered_by"])
    entry.save()
    record("station_money", actor=acting_user, obj=entry, unit=station,
           detail={"kind": "received" if received else "spent", "count": str(amount)})
    return entry


@transaction.atomic
def record_meeting(station, *, acting_user, kind: str, held_on: dt.date, topic: str, attendees: str = "",
                   attendance: int = 0, minutes: str = ""):
    """A linkage day or a meeting of the station, with attendance and minutes."""
    from .models import Meeting

    _check_station(station)
    if not may_edit(station, acting_user):
        raise PermissionDenied
    if held_on > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."))
    meeting = Meeting(station=station, kind=kind, held_on=held_on, topic=topic.strip(), attendees=attendees.strip(),
                      attendance=attendance, minutes=minutes.strip(), entered_by=acting_user)
    meeting.full_clean(exclude=["station", "entered_by"])
    meeting.save()
    record("station_meeting", actor=acting_user, obj=meeting, unit=station,
           detail={"kind": kind, "date": held_on.isoformat(), "title": meeting.topic})
    return meeting
