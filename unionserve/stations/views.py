"""Pages of the service stations: the city list, one page per station (tabs), its forms, the training ledger and
the report completeness table. Thin: find in scope, check the role, call an action, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from unionserve.core import roles
from unionserve.core.export import export_link, wants_xlsx, xlsx_response
from unionserve.core.scope import scope_of, scoped_view
from unionserve.core.units import UnitKind
from unionserve.orgs.models import OrgUnit

from . import actions, prefill, rules, stats
from .forms import AttendanceForm, CourseForm, InspectionForm, ProfileForm, ReportForm, ReviewForm, WorkerForm
from .models import (
    EQUIPMENT,
    OPTIONAL_EQUIPMENT,
    POSTINGS,
    REPORT_FIGURES,
    ROOMS,
    MonthlyReport,
    ProfileChange,
    ReportStatus,
    StationWorker,
    TrainingCourse,
)

PAGE = 50
TABS = ("profile", "staff", "training", "reports", "money", "meetings", "history")
FIRST_YEAR = 2013


def _station(request, pk: int) -> OrgUnit:
    return scope_of(request.user).get_object_or_404(
        OrgUnit.objects.filter(kind=UnitKind.STATION).select_related("region_parent"), pk=pk)


def _year(request) -> int:
    today = timezone.localdate()
    raw = request.GET.get("year", "")
    if not raw:
        return today.year
    try:
        year = int(raw)
    except ValueError:
        year = 0
    if not FIRST_YEAR <= year <= today.year + 1:
        raise Http404
    return year


def _period(year: int, month: int) -> dt.date:
    if not FIRST_YEAR <= year <= 2100 or not 1 <= month <= 12:
        raise Http404
    return dt.date(year, month, 1)


# --- the list -------------------------------------------------------------------------------------


@scoped_view
@permission_required(roles.VIEW_STATIONS, raise_exception=True)
@require_GET
def station_list(request):
    """Stations in scope with their status; a district narrows to its own, filters, and exports."""
    qs = stats.stations_in_scope(request.user).order_by("code")
    districts = scope_of(request.user).filter(OrgUnit.objects.filter(
        kind__in=[UnitKind.DISTRICT_CENTER, UnitKind.DEV_AREA_CENTER])).order_by("code")
    district = request.GET.get("district", "")
    if district.isdigit():
        qs = qs.filter(region_parent_id=int(district))
    text = request.GET.get("q", "").strip()[:60]
    if text:
        qs = qs.filter(name__contains=text)
    rows = stats.station_statuses(request.user, list(qs))
    flt = request.GET.get("show", "")
    if flt == "not_standardized":
        rows = [r for r in rows if not r.standardized]
    elif flt == "staff_short":
        rows = [r for r in rows if not r.staffing.ok]
    elif flt == "training_short":
        rows = [r for r in rows if r.training_short]
    if wants_xlsx(request):
        headers = [_("Station"), _("District"), _("Standardized on"), _("Stars"), _("Members"),
                   _("Social workers"), _("Required"), _("Staffing"), _("People short of training"),
                   _("Report timeliness (%)")]
        return xlsx_response(filename="stations", title=_("Service stations"), headers=headers, rows=(
            [r.station.name, r.station.region_parent.name if r.station.region_parent else "",
             r.profile.standardized_on if r.profile else None, r.stars, r.members, r.staffing.social_workers,
             r.staffing.required, _("OK") if r.staffing.ok else "; ".join(r.staffing.problems), r.training_short,
             str(r.timeliness) if r.timeliness is not None else ""] for r in rows))
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "stations/list.html", {
        "page": page, "districts": districts, "district": district, "q": text, "show": flt,
        "query": query.urlencode(), "export": export_link(request), "total": len(rows),
        "staff_short": sum(r.staffing.short for r in rows),
        "standardized": sum(1 for r in rows if r.standardized)})


# --- one station ----------------------------------------------------------------------------------


@scoped_view
@permission_required(roles.VIEW_STATIONS, raise_exception=True)
@require_GET
def station_page(request, pk: int):
    station = _station(request, pk)
    tab = request.GET.get("tab", "profile")
    if tab not in TABS:
        tab = "profile"
    today = timezone.localdate()
    profile = actions.profile_of(station)
    workers = list(StationWorker.objects.filter(station=station).order_by("left_on", "post", "name"))
    current = [w for w in workers if w.hired_on <= today and (w.left_on is None or w.left_on > today)]
    members = stats.member_counts([station])[station.pk]
    staffing = rules.staffing(members, [w.post for w in current], on=today)
    ctx = {"station": station, "tab": tab, "tabs": TABS, "profile": profile, "workers": workers,
           "staffing": staffing, "may_edit": actions.may_edit(station, request.user),
           "may_inspect": request.user.has_perm(roles.INSPECT_STATIONS)}
    if tab == "profile":
        from .models import Acceptance

        ctx["acceptances"] = scope_of(request.user).filter(Acceptance.objects.filter(station=station)).select_related(
            "case").order_by("-case__opened_at")
        ctx.update(required_rooms=[ROOMS[r] for r in rules.required_rooms(profile.area_m2, on=today)],
                   problems=rules.premises_problems(profile, staff=len(current), on=today),
                   rooms=[(ROOMS[k], k in profile.rooms) for k in ROOMS],
                   equipment=[(label, k in profile.equipment) for k, label in
                              list(EQUIPMENT.items()) + list(OPTIONAL_EQUIPMENT.items())],
                   postings=[(label, k in profile.postings) for k, label in POSTINGS.items()])
    elif tab == "training":
        year = _year(request)
        hours = stats.training_hours([w.pk for w in current], year)
        ctx.update(year=year, training=[(w, rules.training_check(w.post, w.hired_on, year, hours.get(w.pk, {}),
                                                                 on=today)) for w in current])
    elif tab == "reports":
        year = _year(request)
        stored = {r.period: r for r in MonthlyReport.objects.filter(station=station, period__year=year)}
        months = []
        for m in range(1, 13):
            period = dt.date(year, m, 1)
            if period > today:
                break
            report = stored.get(period) or actions.report_for(station, period)
            months.append(report)
        table = stats.rate_table(request.user, year, group_by_station=True, district=station.region_parent)
        mine = next((total for unit, _m, total in table.rows if unit.pk == station.pk), None)
        ctx.update(year=year, months=months, rates=mine, may_review=actions.may_review(station, request.user))
    elif tab == "money":
        from . import money
        from .forms import MoneyForm
        from .models import MoneyEntry

        year = _year(request)
        ctx.update(year=year, money=money.year_of(station, profile, year), money_form=MoneyForm(),
                   entries=MoneyEntry.objects.filter(station=station, on__year=year)[:200])
    elif tab == "meetings":
        from .forms import MeetingForm
        from .models import Meeting

        year = _year(request)
        meetings = list(Meeting.objects.filter(station=station, held_on__year=year))
        linkage_months = {m.held_on.month for m in meetings if m.kind == "linkage_day"}
        last = 12 if year < today.year else today.month
        ctx.update(year=year, meetings=meetings, meeting_form=MeetingForm(),
                   missing_linkage=[m for m in range(1, last + 1) if m not in linkage_months])
    elif tab == "history":
        ctx["changes"] = ProfileChange.objects.filter(station=station).select_related("by")[:100]
    return render(request, "stations/station.html", ctx)


@scoped_view
@permission_required(roles.EDIT_STATION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def profile_edit(request, pk: int):
    station = _station(request, pk)
    if not actions.may_edit(station, request.user):
        raise PermissionDenied
    profile = actions.profile_of(station)
    initial = {name: getattr(profile, name) for name in actions.PROFILE_FIELDS}
    initial["version"] = profile.version
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            actions.save_profile(station, acting_user=request.user, version=version, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("stations:station", pk=station.pk)
    return render(request, "stations/form.html", {
        "station": station, "form": form, "title": _("Edit the station profile")},
        status=400 if request.method == "POST" else 200)


@scoped_view
@permission_required(roles.INSPECT_STATIONS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def inspection(request, pk: int):
    station = _station(request, pk)
    profile = actions.profile_of(station)
    form = InspectionForm(request.POST or None, initial={"standardized_on": profile.standardized_on,
                                                       "stars": profile.stars})
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_inspection(station, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Inspection recorded."))
            return redirect("stations:station", pk=station.pk)
    return render(request, "stations/form.html", {
        "station": station, "form": form, "title": _("Standardization and star rating")},
        status=400 if request.method == "POST" else 200)


@scoped_view
@permission_required(roles.EDIT_STATION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def worker_edit(request, pk: int, worker_id: int | None = None):
    station = _station(request, pk)
    if not actions.may_edit(station, request.user):
        raise PermissionDenied
    worker = None
    if worker_id is not None:
        worker = scope_of(request.user).get_object_or_404(StationWorker.objects.filter(station=station),
                                                          pk=worker_id)
    initial = {}
    if worker is not None:
        initial = {f: getattr(worker, f) for f in WorkerForm.base_fields}
    form = WorkerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["appraisal"] = data.get("appraisal") or ""
        try:
            actions.save_worker(station, worker, acting_user=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{station_url(station)}?tab=staff")
    return render(request, "stations/form.html", {
        "station": station, "form": form,
        "title": _("Edit %(name)s") % {"name": worker.name} if worker else _("Add a person")},
        status=400 if request.method == "POST" else 200)


def station_url(station: OrgUnit) -> str:
    from django.urls import reverse

    return reverse("stations:station", args=[station.pk])


# --- the monthly report ---------------------------------------------------------------------------


@scoped_view
@permission_required(roles.VIEW_STATIONS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def report(request, pk: int, year: int, month: int):
    station = _station(request, pk)
    period = _period(year, month)
    if period > timezone.localdate():
        raise Http404
    report = actions.report_for(station, period)
    may_edit = actions.may_edit(station, request.user) and report.status in (ReportStatus.DRAFT,
                                                                              ReportStatus.RETURNED)
    initial = {**prefill.prefilled(station, period), **report.figures} if may_edit else report.figures
    form = ReportForm(request.POST or None, initial={**initial, "narrative": report.narrative,
                                                     "version": report.version if report.pk else None})
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.save_report(station, period, acting_user=request.user, figures=form.figures(),
                                    narrative=form.cleaned_data["narrative"], submit="submit" in request.POST,
                                    version=form.cleaned_data["version"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Report saved."))
                return redirect("stations:report", pk=pk, year=year, month=month)
    figures = [(label, report.figures.get(name)) for name, (label, _p) in REPORT_FIGURES.items()]
    return render(request, "stations/report.html", {
        "station": station, "report": report, "form": form, "may_edit": may_edit, "figures": figures,
        "may_review": actions.may_review(station, request.user) and report.status == ReportStatus.SUBMITTED,
        "review_form": ReviewForm()}, status=400 if request.method == "POST" else 200)


@scoped_view
@permission_required(roles.REVIEW_STATION_REPORTS, raise_exception=True)
@require_POST
def review(request, pk: int, year: int, month: int):
    station = _station(request, pk)
    report = scope_of(request.user).get_object_or_404(MonthlyReport.objects.filter(station=station),
                                                      period=_period(year, month))
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("The reason is too long."))
    try:
        actions.review_report(report, acting_user=request.user, approve="approve" in request.POST,
                              reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Review recorded."))
    return redirect("stations:report", pk=pk, year=year, month=month)


@scoped_view
@permission_required(roles.VIEW_STATIONS, raise_exception=True)
@require_GET
def completeness(request):
    """Completeness and timeliness by district (or by station inside one district) and month."""
    year = _year(request)
    district = None
    raw = request.GET.get("district", "")
    if raw.isdigit():
        district = scope_of(request.user).get_object_or_404(OrgUnit.objects.all(), pk=int(raw))
    table = stats.rate_table(request.user, year, group_by_station=district is not None, district=district)
    if wants_xlsx(request):
        headers = [_("Unit")] + [f"{m:%Y-%m}" for m in table.months] + [_("Completeness (%)"),
                                                                         _("Timeliness (%)")]
        rows = [[unit.name if unit else ""] + [f"{r.submitted}/{r.on_time}/{r.expected}" for r in by.values()]
                + [str(total.completeness or ""), str(total.timeliness or "")] for unit, by, total in table.rows]
        return xlsx_response(filename="station-reports", title=_("Station reports"), headers=headers, rows=rows)
    today = timezone.localdate()
    return render(request, "stations/completeness.html", {
        "table": table, "year": year, "district": district, "years": range(today.year, FIRST_YEAR - 1, -1),
        "export": export_link(request)})


# --- training -------------------------------------------------------------------------------------


@scoped_view
@permission_required(roles.VIEW_STATIONS, raise_exception=True)
@require_GET
def courses(request):
    """Courses held by the user's unit and the levels above it (the city's and the district's)."""
    unit = request.user.org_unit
    if unit is None:
        raise Http404
    ids = [a.pk for a in unit.region_ancestors()] + [unit.pk]
    qs = TrainingCourse.objects.filter(unit_id__in=ids).select_related("unit").annotate(
        attended=Sum("attendance__hours")).order_by("-held_on", "id")
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(request, "stations/courses.html", {
        "page": page, "may_add": request.user.has_perm(roles.MANAGE_STATION_TRAINING)})


@scoped_view
@permission_required(roles.MANAGE_STATION_TRAINING, raise_exception=True)
@require_http_methods(["GET", "POST"])
def course_new(request):
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = actions.save_course(None, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("stations:course", pk=course.pk)
    return render(request, "stations/form.html", {"form": form, "title": _("New course")},
                  status=400 if request.method == "POST" else 200)


@scoped_view
@permission_required(roles.VIEW_STATIONS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def course(request, pk: int):
    unit = request.user.org_unit
    if unit is None:
        raise Http404
    ids = [a.pk for a in unit.region_ancestors()] + [unit.pk]
    course = TrainingCourse.objects.filter(unit_id__in=ids).select_related("unit").filter(pk=pk).first()
    if course is None:
        raise Http404
    may_manage = actions.may_manage_course(course.unit, request.user)
    workers = list(scope_of(request.user).filter(StationWorker.objects.filter(left_on__isnull=True))
                   .select_related("station").order_by("station__code", "name")[:2000]) if may_manage else []
    form = AttendanceForm(request.POST or None, workers=workers)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            worker = next(w for w in workers if str(w.pk) == form.cleaned_data["worker"])
            try:
                actions.record_attendance(course, worker, form.cleaned_data["hours"], acting_user=request.user)
            except ValidationError as exc:
                form.add_error("hours", exc)
            else:
                messages.success(request, _("Attendance recorded."))
                return redirect("stations:course", pk=course.pk)
    attendance = scope_of(request.user).filter(course.attendance.all()).select_related(
        "worker", "worker__station").order_by("worker__station__code", "worker__name")
    return render(request, "stations/course.html", {
        "course": course, "form": form, "may_manage": may_manage, "attendance": attendance},
        status=400 if request.method == "POST" else 200)


# --- the acceptance panel on the case page --------------------------------------------------------


def acceptance_panel(case, user) -> dict | None:
    """The checklist of a station's acceptance case, scored now and at each inspection."""
    from .acceptance import score_station
    from .models import CHECKLIST, Acceptance

    if case.process != "stationaccept" or user is None or not user.is_authenticated:
        return None
    acc = Acceptance.objects.filter(case=case).select_related("station").first()
    if acc is None:
        return None
    items, score = score_station(acc.station)
    return {"acceptance": acc, "score": score,
            "items": [(label, points, items[code]["ok"]) for code, label, points in CHECKLIST]}


# --- the street union's half-year report to the street's party and government (001 §二(五)3) ------------


@scoped_view
@permission_required(roles.VIEW_STATIONS, raise_exception=True)
@require_GET
def party_report(request, pk: int, year: int, half: int):
    """A printable report of a half year: the monthly figures summed, the people, training and premises."""
    station = _station(request, pk)
    if not FIRST_YEAR <= year <= 2100 or half not in (1, 2):
        raise Http404
    first = dt.date(year, 1 if half == 1 else 7, 1)
    last = dt.date(year, 6 if half == 1 else 12, 1)
    reports = list(MonthlyReport.objects.filter(station=station, period__gte=first, period__lte=last,
                                                first_submitted_on__isnull=False).order_by("period"))
    totals = [(label, sum(int(r.figures.get(name) or 0) for r in reports))
              for name, (label, _p) in REPORT_FIGURES.items()]
    today = timezone.localdate()
    current = list(stats.current_workers([station.pk], today))
    members = stats.member_counts([station])[station.pk]
    staffing = rules.staffing(members, [w.post for w in current], on=today)
    status = stats.station_statuses(request.user, [station], year=year)[0]
    profile = actions.profile_of(station)
    return render(request, "stations/party_report.html", {
        "station": station, "year": year, "half": half, "reports": reports, "totals": totals,
        "staffing": staffing, "training_short": status.training_short, "profile": profile,
        "problems": rules.premises_problems(profile, staff=len(current), on=today),
        "narratives": [r for r in reports if r.narrative], "today": today})


@scoped_view
@permission_required(roles.EDIT_STATION, raise_exception=True)
@require_POST
def money_add(request, pk: int):
    from .forms import MoneyForm

    station = _station(request, pk)
    if not actions.may_edit(station, request.user):
        raise PermissionDenied
    form = MoneyForm(request.POST)
    if form.is_valid():
        try:
            actions.record_money(station, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(f"{station_url(station)}?tab=money")


@scoped_view
@permission_required(roles.VIEW_STATIONS, raise_exception=True)
@require_GET
def plan_progress(request):
    """The phased plan of standardization per district (001 §一, §四(一))."""
    from . import plan

    rows, total, targets = plan.progress(request.user)
    if wants_xlsx(request):
        headers = [_("District"), _("Stations")] + [d.isoformat() for d in plan.MILESTONES] + [
            _("Share in 2013 (%)"), _("Retaining at least the threshold"), _("Of them standardized in 2013"),
            _("Standardized now")]
        return xlsx_response(filename="station-plan", title=_("Standardization plan"), headers=headers, rows=(
            [r.unit.name if r.unit else "", r.stations, *r.by, str(r.share_2013 or ""), r.must, r.must_done, r.now]
            for r in rows))
    return render(request, "stations/plan.html", {
        "rows": rows, "total": total, "targets": targets, "milestones": plan.MILESTONES,
        "export": export_link(request)})


@scoped_view
@permission_required(roles.EDIT_STATION, raise_exception=True)
@require_POST
def meeting_add(request, pk: int):
    from .forms import MeetingForm

    station = _station(request, pk)
    if not actions.may_edit(station, request.user):
        raise PermissionDenied
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            actions.record_meeting(station, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(f"{station_url(station)}?tab=meetings")
