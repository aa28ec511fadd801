"""Served visits over the API: the ledger, swipe-file imports, activities and sign-ins, the served-visit rates.

Every operation checks the role and reads through the caller's scope; the writes call the same actions as the
pages (``actions.py``).
"""


import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from unionserve.core import roles
from unionserve.core.api import Id, LookaheadPagination, Pagination, require_perm
from unionserve.core.scope import scope_of, scoped_view
from unionserve.orgs.models import OrgUnit

from . import actions, rates
from .forms import MAX_UPLOAD_BYTES, MIN_DAY
from .models import Activity, ServedVisit, SignIn, SwipeImport, VisitKind

router = Router(tags=["visits"])

MAX_DAY = dt.date(2100, 12, 31)


class VisitOut(Schema):
    id: int
    member_id: int
    member_name: str
    day: dt.date
    service: str
    kind: str
    grassroots_code: str
    source: str

    @staticmethod
    def resolve_member_name(obj: ServedVisit) -> str:
        return obj.member.name

    @staticmethod
    def resolve_grassroots_code(obj: ServedVisit) -> str:
        return obj.grassroots.code


class VisitQuery(Schema):
    day_from: dt.date | None = Field(None, ge=MIN_DAY, le=MAX_DAY)
    day_to: dt.date | None = Field(None, ge=MIN_DAY, le=MAX_DAY)
    service: str | None = Field(None, max_length=60)
    kind: VisitKind | None = None
    member_id: Id | None = None


@router.get("/visits", response=list[VisitOut], summary="The served-visit ledger in my scope, newest first")
@paginate(LookaheadPagination)
@scoped_view
def list_visits(request, filters: Query[VisitQuery]):
    require_perm(request, roles.VIEW_VISITS)
    qs = scope_of(request.user).filter(ServedVisit.objects.select_related("member", "grassroots"))
    if filters.day_from:
        qs = qs.filter(day__gte=filters.day_from)
    if filters.day_to:
        qs = qs.filter(day__lte=filters.day_to)
    if filters.service:
        qs = qs.filter(service=filters.service)
    if filters.kind:
        qs = qs.filter(kind=filters.kind.value)
    if filters.member_id:
        qs = qs.filter(member_id=filters.member_id)
    return qs.order_by("-day", "-pk")


class SwipeImportOut(Schema):
    id: int
    original_name: str
    checksum: str
    unit_code: str
    imported_by: str | None
    imported_at: dt.datetime
    rows: int
    valid_rows: int
    visits_added: int
    already_counted: int
    error_rows: int
    refused: str
    seconds: float

    @staticmethod
    def resolve_unit_code(obj: SwipeImport) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_imported_by(obj: SwipeImport) -> str | None:
        return obj.imported_by.username if obj.imported_by else None


class ImportDetailOut(SwipeImportOut):
    error_report: str


def _imports(request):
    return scope_of(request.user).filter(SwipeImport.objects.select_related("unit", "imported_by"))


@router.get("/imports", response=list[SwipeImportOut], summary="Swipe files imported in my scope")
@paginate(Pagination)
@scoped_view
def list_imports(request):
    require_perm(request, roles.VIEW_VISITS)
    return _imports(request).order_by("-imported_at", "-pk")


@router.get("/imports/{import_id}", response=ImportDetailOut, summary="One swipe-file import, with its error "
                                                                      "report (CSV text)")
@scoped_view
def get_import(request, import_id: Id):
    require_perm(request, roles.VIEW_VISITS)
    return get_object_or_404(_imports(request), pk=import_id)


@router.post("/imports", response={201: ImportDetailOut}, summary="Import a card swipe file (CSV or XLSX)")
@scoped_view
def create_import(request, file: File[UploadedFile]):
    require_perm(request, roles.RECORD_VISITS)
    if file.size and file.size > MAX_UPLOAD_BYTES:
        raise HttpError(400, _("The file is larger than 200 MB: split it."))
    try:
        imp = actions.import_swipes(uploaded=file, original_name=file.name or "swipes.csv", acting_user=request.user)
    except actions.VisitRefused as exc:
        raise HttpError(400, str(exc)) from exc
    return 201, get_object_or_404(_imports(request), pk=imp.pk)


class ActivityIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    day: dt.date = Field(..., ge=MIN_DAY, le=MAX_DAY)
    unit_code: str = Field(..., min_length=1, max_length=40)
    project_code: str = Field("", max_length=40)


class ActivityOut(Schema):
    id: int
    name: str
    day: dt.date
    unit_code: str
    project_code: str
    service: str
    signed_in: int

    @staticmethod
    def resolve_unit_code(obj: Activity) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_signed_in(obj: Activity) -> int:
        n = getattr(obj, "n", None)  # annotated by the list's query
        return int(n) if n is not None else obj.sign_ins.count()


def _activities(request):
    return scope_of(request.user).filter(Activity.objects.select_related("unit")).annotate(n=Count("sign_ins"))


@router.get("/activities", response=list[ActivityOut], summary="Activities in my scope")
@paginate(Pagination)
@scoped_view
def list_activities(request):
    require_perm(request, roles.VIEW_VISITS)
    return _activities(request).order_by("-day", "-pk")


@router.post("/activities", response={201: ActivityOut}, summary="Hold an activity (members sign in there)")
@scoped_view
def create_activity(request, payload: ActivityIn):
    require_perm(request, roles.RECORD_VISITS)
    unit = scope_of(request.user).filter(OrgUnit.objects.filter(code=payload.unit_code.strip())).first()
    if unit is None:
        raise HttpError(400, _("Choose a unit in your scope."))
    try:
        activity = actions.create_activity(name=payload.name, day=payload.day, unit=unit,
                                           project_code=payload.project_code, acting_user=request.user)
    except actions.VisitRefused as exc:
        raise HttpError(400, str(exc)) from exc
    return 201, get_object_or_404(_activities(request), pk=activity.pk)


@router.get("/activities/{activity_id}", response=ActivityOut, summary="One activity")
@scoped_view
def get_activity(request, activity_id: Id):
    require_perm(request, roles.VIEW_VISITS)
    return get_object_or_404(_activities(request), pk=activity_id)


class SignInIn(Schema):
    card_number: str = Field("", max_length=19)
    id_number: str = Field("", max_length=18)


class SignInOut(Schema):
    id: int
    member_id: int
    member_name: str
    at: dt.datetime

    @staticmethod
    def resolve_member_name(obj: SignIn) -> str:
        return obj.member.name


@router.get("/activities/{activity_id}/sign-ins", response=list[SignInOut], summary="Members signed in")
@paginate(Pagination)
@scoped_view
def list_sign_ins(request, activity_id: Id):
    require_perm(request, roles.VIEW_VISITS)
    activity = get_object_or_404(_activities(request), pk=activity_id)
    return SignIn.objects.filter(activity=activity).select_related("member").order_by("-at", "-pk")


@router.post("/activities/{activity_id}/sign-ins", response={201: SignInOut},
             summary="Sign a member in by card number or ID number (a served visit)")
@scoped_view
def sign_in(request, activity_id: Id, payload: SignInIn):
    require_perm(request, roles.RECORD_VISITS)
    activity = get_object_or_404(_activities(request), pk=activity_id)
    try:
        entry = actions.sign_in(activity, card_number=payload.card_number, id_number=payload.id_number,
                                acting_user=request.user)
    except actions.VisitRefused as exc:
        raise HttpError(400, str(exc)) from exc
    return 201, entry


class RateOut(Schema):
    rank: int
    unit_id: int
    unit_code: str
    unit_name: str
    visits: int
    members: int
    rate: Decimal | None
    target: Decimal | None
    met: bool | None
    shortfall: int


class MonthOut(Schema):
    month: int
    visits: int
    services: int
    projects: int
    last_year: int
    growth: Decimal | None


class VisitRatesOut(Schema):
    year: int
    target: Decimal | None
    target_version: int | None
    unit: RateOut
    units: list[RateOut]
    visits: int
    last_year: int
    growth: Decimal | None
    mean_visits_per_month: Decimal
    projects: int
    months: list[MonthOut]


class RatesQuery(Schema):
    year: int | None = Field(None, ge=rates.MIN_YEAR, le=rates.MAX_YEAR)
    unit_id: Id | None = None
    #: "2": every district, industry and company union in scope, instead of the units below `unit_id`.
    level: str | None = Field(None, pattern="^2?$")


def _rate(r: rates.UnitRate) -> dict:
    return {"rank": r.rank, "unit_id": r.unit.pk, "unit_code": r.unit.code, "unit_name": r.unit.name,
            "visits": r.visits, "members": r.members, "rate": r.rate, "target": r.target, "met": r.met,
            "shortfall": r.shortfall}


@router.get("/rates", response=VisitRatesOut, summary="The served-visit rate of a unit and the units below, ranked")
@scoped_view
def get_rates(request, filters: Query[RatesQuery]):
    require_perm(request, roles.VIEW_VISITS)
    scope = scope_of(request.user)
    year = filters.year or timezone.localdate().year
    unit_id = filters.unit_id or request.user.org_unit_id
    if unit_id is None:
        raise HttpError(400, _("Name a unit (unit_id)."))
    unit = get_object_or_404(scope.filter(OrgUnit.objects.all()), pk=unit_id)
    target = rates.target_for(year)
    pct = target.percent if target else None
    totals = rates.unit_totals(year, scope)
    judged = filters.level == "2"
    below = scope.filter(OrgUnit.objects.filter(kind__in=rates.JUDGED_KINDS) if judged else
                         OrgUnit.objects.filter(Q(region_parent=unit) | Q(industry_parent=unit))).order_by("code")
    monthly = rates.monthly(year, scope if judged else rates.unit_scope(unit))
    return {
        "year": year, "target": pct, "target_version": target.version if target else None,
        "unit": _rate(rates.rate_of(unit, totals, pct)),
        "units": [_rate(r) for r in rates.rows_for(list(below), totals, pct)],
        "visits": monthly.visits, "last_year": monthly.last_year, "growth": monthly.growth,
        "mean_visits_per_month": monthly.mean_visits, "projects": monthly.projects,
        "months": [{"month": m.month, "visits": m.visits, "services": m.services,
                    "projects": m.projects, "last_year": m.last_year, "growth": m.growth} for m in monthly.months],
    }
