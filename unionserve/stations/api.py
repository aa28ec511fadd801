"""Service stations over the API: the same scope, roles and actions as the pages."""


import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from unionserve.core import roles
from unionserve.core.api import Id, Pagination, Version, require_perm
from unionserve.core.money import Money
from unionserve.core.scope import scope_of, scoped_view
from unionserve.core.units import UnitKind
from unionserve.orgs.models import OrgUnit

from . import actions, prefill, rules, stats
from .models import (
    EQUIPMENT,
    OPTIONAL_EQUIPMENT,
    POSTINGS,
    ROOMS,
    Appraisal,
    CourseKind,
    MonthlyReport,
    Post,
    StationWorker,
    TrainingCourse,
)

router = Router(tags=["stations"])

Year = Annotated[int, Field(ge=2013, le=2100)]
Hours = Annotated[Decimal, Field(ge=0, le=200, decimal_places=1)]
Figure = Annotated[int, Field(ge=0, le=actions.MAX_FIGURE)]


class StationOut(Schema):
    id: int
    name: str
    code: str
    district: str
    standardized_on: dt.date | None
    stars: int
    members: int
    social_workers: int
    required_social_workers: int
    staffing_ok: bool
    staffing_problems: list[str]
    people_short_of_training: int
    report_timeliness: Decimal | None


def _station_out(s: stats.StationStatus) -> dict:
    return {"id": s.station.pk, "name": s.station.name, "code": s.station.code,
            "district": s.station.region_parent.name if s.station.region_parent else "",
            "standardized_on": s.profile.standardized_on if s.profile else None, "stars": s.stars,
            "members": s.members, "social_workers": s.staffing.social_workers,
            "required_social_workers": s.staffing.required, "staffing_ok": s.staffing.ok,
            "staffing_problems": [str(p) for p in s.staffing.problems],
            "people_short_of_training": s.training_short, "report_timeliness": s.timeliness}


class ProfileIn(Schema):
    version: Version | None = None
    street_facing: bool
    own_office: bool
    area_m2: Annotated[int, Field(ge=0, le=10000)]
    city_sign: bool
    rooms: list[str] = Field(default=[], max_length=len(ROOMS))
    equipment: list[str] = Field(default=[], max_length=len(EQUIPMENT) + len(OPTIONAL_EQUIPMENT))
    pcs: Annotated[int, Field(ge=0, le=500)]
    postings: list[str] = Field(default=[], max_length=len(POSTINGS))
    outdoor_board: bool
    video_link: bool
    retained_funds: Money


class ProfileOut(Schema):
    station: StationOut
    area_m2: int
    street_facing: bool
    own_office: bool
    city_sign: bool
    rooms: list[str]
    required_rooms: list[str]
    equipment: list[str]
    pcs: int
    postings: list[str]
    outdoor_board: bool
    video_link: bool
    retained_funds: Money
    problems: list[str]
    version: int


class StationWorkerIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=60)]
    post: Post = Post.WORKER
    hired_on: dt.date
    contract_until: dt.date | None = None
    pay_grade: Annotated[str, Field(max_length=20)] = ""
    appraisal: Appraisal = Appraisal.NONE
    appraisal_year: Annotated[int, Field(ge=2000, le=2100)] | None = None
    left_on: dt.date | None = None
    note: Annotated[str, Field(max_length=200)] = ""


class WorkerOut(Schema):
    id: int
    name: str
    post: str
    hired_on: dt.date
    contract_until: dt.date | None
    pay_grade: str
    appraisal: str
    appraisal_year: int | None
    left_on: dt.date | None


class ReportIn(Schema):
    version: Version | None = None
    figures: dict[str, Figure] = Field(default={}, max_length=40)
    narrative: Annotated[str, Field(max_length=4000)] = ""
    submit: bool = False


class ReportOut(Schema):
    station_id: int
    period: dt.date
    due_on: dt.date
    status: str
    figures: dict
    narrative: str
    first_submitted_on: dt.date | None
    on_time: bool
    return_reason: str
    version: int


class ReviewIn(Schema):
    approve: bool
    reason: Annotated[str, Field(max_length=500)] = ""


class StationRatesOut(Schema):
    expected: int
    submitted: int
    on_time: int
    completeness: Decimal | None
    timeliness: Decimal | None


class RateRowOut(Schema):
    unit_id: int
    unit: str
    months: dict[str, StationRatesOut]
    year: StationRatesOut


class RateTableOut(Schema):
    year: int
    rows: list[RateRowOut]
    total: StationRatesOut


class CourseIn(Schema):
    title: Annotated[str, Field(min_length=1, max_length=120)]
    kind: CourseKind = CourseKind.GENERAL
    held_on: dt.date
    hours: Annotated[Decimal, Field(ge=Decimal("0.5"), le=200, decimal_places=1)]


class CourseOut(Schema):
    id: int
    unit: str
    organizer: str
    kind: str
    title: str
    held_on: dt.date
    hours: Decimal

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.name


class AttendanceIn(Schema):
    worker_id: Id
    hours: Hours


def _station(request, pk: int) -> OrgUnit:
    return scope_of(request.user).get_object_or_404(
        OrgUnit.objects.filter(kind=UnitKind.STATION).select_related("region_parent"), pk=pk)


def _rates(r: stats.Rates) -> dict:
    return {"expected": r.expected, "submitted": r.submitted, "on_time": r.on_time,
            "completeness": r.completeness, "timeliness": r.timeliness}


def _profile_out(request, station: OrgUnit) -> dict:
    status = stats.station_statuses(request.user, [station])[0]
    profile = actions.profile_of(station)
    return {"station": _station_out(status), "required_rooms": rules.required_rooms(profile.area_m2),
            "problems": [str(p) for p in rules.premises_problems(profile, staff=status.staffing.social_workers
                                                                 + int(status.staffing.has_head))],
            **{f: getattr(profile, f) for f in actions.PROFILE_FIELDS}, "version": profile.version}


@router.get("/stations", response=list[StationOut], summary="Stations in my scope with their status")
@paginate(Pagination)
@scoped_view
def list_stations(request, district_id: Id | None = None):
    require_perm(request, roles.VIEW_STATIONS)
    qs = stats.stations_in_scope(request.user).order_by("code")
    if district_id:
        qs = qs.filter(region_parent_id=district_id)
    return [_station_out(s) for s in stats.station_statuses(request.user, list(qs))]


@router.get("/stations/{pk}", response=ProfileOut, summary="A station's profile, staffing and what it lacks")
@scoped_view
def get_station(request, pk: Id):
    require_perm(request, roles.VIEW_STATIONS)
    return _profile_out(request, _station(request, pk))


@router.put("/stations/{pk}/profile", response=ProfileOut,
            summary="Change the station's profile (its own people; 409 when changed since `version`)")
@scoped_view
def put_profile(request, pk: Id, payload: ProfileIn):
    require_perm(request, roles.EDIT_STATION)
    station = _station(request, pk)
    data = payload.dict()
    version = data.pop("version")
    for name, allowed in (("rooms", ROOMS), ("equipment", {**EQUIPMENT, **OPTIONAL_EQUIPMENT}),
                          ("postings", POSTINGS)):
        unknown = set(data[name]) - set(allowed)
        if unknown:
            from django.core.exceptions import ValidationError

            raise ValidationError(f"{name}: unknown {sorted(unknown)}; known {sorted(allowed)}")
    actions.save_profile(station, acting_user=request.user, version=version, **data)
    return _profile_out(request, station)


@router.get("/stations/{pk}/workers", response=list[WorkerOut], summary="The station's people")
@scoped_view
def list_workers(request, pk: Id):
    require_perm(request, roles.VIEW_STATIONS)
    return StationWorker.objects.filter(station=_station(request, pk)).order_by("left_on", "post", "name")


@router.post("/stations/{pk}/workers", response={201: WorkerOut}, summary="Add a person to the station")
@scoped_view
def add_worker(request, pk: Id, payload: StationWorkerIn):
    require_perm(request, roles.EDIT_STATION)
    worker = actions.save_worker(_station(request, pk), None, acting_user=request.user, **payload.dict())
    return Status(201, worker)


@router.put("/stations/{pk}/workers/{worker_id}", response=WorkerOut, summary="Change a person's file")
@scoped_view
def put_worker(request, pk: Id, worker_id: Id, payload: StationWorkerIn):
    require_perm(request, roles.EDIT_STATION)
    station = _station(request, pk)
    worker = scope_of(request.user).get_object_or_404(StationWorker.objects.filter(station=station), pk=worker_id)
    return actions.save_worker(station, worker, acting_user=request.user, **payload.dict())


def _report_out(report: MonthlyReport) -> dict:
    return {"station_id": report.station_id, "period": report.period, "due_on": report.due_on,
            "status": report.status, "figures": report.figures, "narrative": report.narrative,
            "first_submitted_on": report.first_submitted_on, "on_time": report.on_time,
            "return_reason": report.return_reason, "version": report.version}


def _period(year: int, month: int) -> dt.date:
    # Path numbers are ids (bounded like every id); a month that cannot be is 404 like one never reported.
    if not 2013 <= year <= 2100 or not 1 <= month <= 12:
        raise Http404
    period = dt.date(year, month, 1)
    if period > timezone.localdate():
        raise Http404
    return period


@router.get("/stations/{pk}/reports/{year}/{month}", response=ReportOut,
            summary="A monthly report (a draft with the platform's prefilled figures when none is stored)")
@scoped_view
def get_report(request, pk: Id, year: Id, month: Id):
    require_perm(request, roles.VIEW_STATIONS)
    station = _station(request, pk)
    period = _period(year, month)
    report = actions.report_for(station, period)
    if report.pk is None:
        report.figures = prefill.prefilled(station, period)
    return _report_out(report)


@router.put("/stations/{pk}/reports/{year}/{month}", response=ReportOut,
            summary="Save (and with submit=true, submit) a monthly report")
@scoped_view
def put_report(request, pk: Id, year: Id, month: Id, payload: ReportIn):
    require_perm(request, roles.EDIT_STATION)
    station = _station(request, pk)
    report = actions.save_report(station, _period(year, month), acting_user=request.user, figures=payload.figures,
                                 narrative=payload.narrative, submit=payload.submit, version=payload.version)
    return _report_out(report)


@router.post("/stations/{pk}/reports/{year}/{month}/review", response=ReportOut,
             summary="The district approves or returns (with a reason) a submitted report")
@scoped_view
def review_report(request, pk: Id, year: Id, month: Id, payload: ReviewIn):
    require_perm(request, roles.REVIEW_STATION_REPORTS)
    station = _station(request, pk)
    report = scope_of(request.user).get_object_or_404(MonthlyReport.objects.filter(station=station),
                                                      period=_period(year, month))
    return _report_out(actions.review_report(report, acting_user=request.user, approve=payload.approve,
                                             reason=payload.reason))


@router.get("/completeness", response=RateTableOut,
            summary="Report completeness and timeliness by district (or by station of one district) and month")
@scoped_view
def completeness(request, year: Year, district_id: Id | None = None):
    require_perm(request, roles.VIEW_STATIONS)
    district = None
    if district_id:
        district = scope_of(request.user).get_object_or_404(OrgUnit.objects.all(), pk=district_id)
    table = stats.rate_table(request.user, year, group_by_station=district is not None, district=district)
    return {"year": year, "total": _rates(table.city_total), "rows": [
        {"unit_id": unit.pk if unit else 0, "unit": unit.name if unit else "",
         "months": {f"{m:%Y-%m}": _rates(r) for m, r in by.items()}, "year": _rates(total)}
        for unit, by, total in table.rows]}


def _courses(request):
    unit = request.user.org_unit
    if unit is None:
        return TrainingCourse.objects.none()
    ids = [a.pk for a in unit.region_ancestors()] + [unit.pk]
    return TrainingCourse.objects.filter(unit_id__in=ids).select_related("unit")


@router.get("/courses", response=list[CourseOut], summary="Courses of the city and my district")
@paginate(Pagination)
@scoped_view
def list_courses(request):
    require_perm(request, roles.VIEW_STATIONS)
    return _courses(request).order_by("-held_on", "id")


@router.post("/courses", response={201: CourseOut}, summary="A course held by my unit")
@scoped_view
def add_course(request, payload: CourseIn):
    require_perm(request, roles.MANAGE_STATION_TRAINING)
    return Status(201, actions.save_course(None, acting_user=request.user, **payload.dict()))


@router.post("/courses/{pk}/attendance", response={200: AttendanceIn},
             summary="Hours a worker (of my scope) attended a course of my unit; 0 removes")
@scoped_view
def attend(request, pk: Id, payload: AttendanceIn):
    require_perm(request, roles.MANAGE_STATION_TRAINING)
    course = _courses(request).filter(pk=pk).first()
    if course is None:
        raise Http404
    worker = scope_of(request.user).get_object_or_404(StationWorker.objects.all(), pk=payload.worker_id)
    actions.record_attendance(course, worker, payload.hours, acting_user=request.user)
    return {"worker_id": worker.pk, "hours": payload.hours}


class MoneyIn(Schema):
    received: bool
    on: dt.date
    amount: Money
    source: str = ""
    category: str = ""
    note: Annotated[str, Field(max_length=200)] = ""


class MoneyYearOut(Schema):
    year: int
    received: Money
    spent: Money
    direct: Money
    direct_share: Decimal | None
    required_share: Decimal
    share_ok: bool
    by_source: dict[str, Money]
    by_category: dict[str, Money]
    exterior_subsidy: Money | None
    project_funds: bool
    must_standardize: bool


def _money_out(station: OrgUnit, year: int) -> dict:
    from . import money
    from .models import FundSource, SpendCategory

    y = money.year_of(station, actions.profile_of(station), year)
    return {"year": year, "received": y.received, "spent": y.spent, "direct": y.direct,
            "direct_share": y.direct_share, "required_share": y.required_share, "share_ok": y.share_ok,
            "by_source": {code: amount for code, (_l, amount) in zip(FundSource.values, y.by_source, strict=True)},
            "by_category": {code: amount for code, (_l, amount, _d) in zip(SpendCategory.values, y.by_category,
                                                                          strict=True)},
            "exterior_subsidy": y.exterior_subsidy, "project_funds": y.project_funds,
            "must_standardize": y.must_standardize}


@router.get("/stations/{pk}/money", response=MoneyYearOut,
            summary="A station's funds and spending of a year, the direct share and the subsidies it may get")
@scoped_view
def get_money(request, pk: Id, year: Year | None = None):
    require_perm(request, roles.VIEW_STATIONS)
    return _money_out(_station(request, pk), year or timezone.localdate().year)


@router.post("/stations/{pk}/money", response={201: MoneyYearOut},
             summary="Record funds received (source) or spending (category) of the station")
@scoped_view
def post_money(request, pk: Id, payload: MoneyIn):
    require_perm(request, roles.EDIT_STATION)
    station = _station(request, pk)
    actions.record_money(station, acting_user=request.user, **payload.dict())
    return Status(201, _money_out(station, payload.on.year))


class MeetingIn(Schema):
    kind: str
    held_on: dt.date
    topic: Annotated[str, Field(min_length=1, max_length=200)]
    attendees: Annotated[str, Field(max_length=500)] = ""
    attendance: Annotated[int, Field(ge=0, le=1000)] = 0
    minutes: Annotated[str, Field(max_length=8000)] = ""


class MeetingOut(Schema):
    id: int
    kind: str
    held_on: dt.date
    topic: str
    attendees: str
    attendance: int
    minutes: str


@router.get("/stations/{pk}/meetings", response=list[MeetingOut],
            summary="Linkage days and meetings of a year (default: this year)")
@scoped_view
def list_meetings(request, pk: Id, year: Year | None = None):
    from .models import Meeting

    require_perm(request, roles.VIEW_STATIONS)
    return Meeting.objects.filter(station=_station(request, pk), held_on__year=year or timezone.localdate().year)


@router.post("/stations/{pk}/meetings", response={201: MeetingOut}, summary="Record a linkage day or a meeting")
@scoped_view
def post_meeting(request, pk: Id, payload: MeetingIn):
    from .models import MeetingKind

    require_perm(request, roles.EDIT_STATION)
    if payload.kind not in MeetingKind.values:
        from django.core.exceptions import ValidationError

        raise ValidationError(f"kind: one of {MeetingKind.values}")
    meeting = actions.record_meeting(_station(request, pk), acting_user=request.user, **payload.dict())
    return Status(201, meeting)
