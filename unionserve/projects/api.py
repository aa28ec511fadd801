"""Service projects over the API: projects (list, read, propose), merchants, the catalogue, evaluations,
statistics and the worker-needs survey's results.

The lifecycle's steps (submit with the inspection report, approve, send back, agreement, plaque, publish, start,
evaluation, renew, exit) go through the case API (`/api/work/cases/{number}/actions/...`), the same rules as
the pages."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from unionserve.core import roles
from unionserve.core.api import Id, LookaheadPagination, Pagination, require_perm
from unionserve.core.money import Money
from unionserve.core.scope import scope_exempt, scope_of, scoped_view

from . import actions, statistics
from .evaluation import figures
from .models import Brand, Category, Merchant, Project, RunLevel, Survey
from .views import catalogue_query, survey_results_data

router = Router(tags=["projects"])


class MerchantOut(Schema):
    id: int
    name: str
    uscc: str
    address: str
    district: str
    district_name: str
    contact_person: str
    phone: str
    category: str
    active: bool
    version: int

    @staticmethod
    def resolve_district(obj) -> str:
        return obj.district.code

    @staticmethod
    def resolve_district_name(obj) -> str:
        return obj.district.name


class MerchantIn(Schema):
    name: str = Field(max_length=100)
    uscc: str = Field(max_length=18)
    address: str = Field(max_length=200)
    district: str = Field(max_length=20, description="The district center's unit code")
    contact_person: str = Field(max_length=40)
    phone: str = Field(max_length=20)
    category: Category
    active: bool = True
    version: int | None = Field(None, ge=0, le=2**31 - 1, description="The version read (changing a merchant)")


class ProjectOut(Schema):
    code: str
    name: str
    state: str
    state_label: str
    category: str
    brand: str
    run_level: str
    run_unit: str
    owner_unit: str
    district: str | None
    merchant: str
    merchant_uscc: str
    offer: str
    subsidy: Money | None
    plaque_number: str | None
    agreement_start: dt.date | None
    agreement_end: dt.date | None
    listed: bool
    evaluation_score: int | None
    evaluation_conclusion: str

    @staticmethod
    def resolve_state(obj) -> str:
        return obj.case.state

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.case.state_label()

    @staticmethod
    def resolve_run_unit(obj) -> str:
        return obj.run_unit.code

    @staticmethod
    def resolve_owner_unit(obj) -> str:
        return obj.owner_unit.code

    @staticmethod
    def resolve_district(obj) -> str | None:
        return obj.district.code if obj.district_id else None

    @staticmethod
    def resolve_merchant(obj) -> str:
        return obj.merchant.name

    @staticmethod
    def resolve_merchant_uscc(obj) -> str:
        return obj.merchant.uscc


class FiguresOut(Schema):
    year: int
    visits: int
    members: int
    ratings: int
    satisfaction: Decimal | None
    subsidy_per_visit: Money | None


class EvaluationOut(Schema):
    year: int
    score: int
    conclusion: str
    remarks: str
    visits: int
    members: int
    ratings: int
    satisfaction: Decimal | None
    subsidy_per_visit: Money | None


class ProjectDetailOut(ProjectOut):
    inspected_on: dt.date | None
    inspection_summary: str
    sent_back_reasons: str
    agreement_terms: str
    exit_reasons: str
    survey: int | None
    figures: FiguresOut
    evaluations: list[EvaluationOut]

    @staticmethod
    def resolve_survey(obj) -> int | None:
        return obj.survey_id

    @staticmethod
    def resolve_figures(obj) -> dict:
        year = timezone.localdate().year
        f = figures(obj, dt.date(year, 1, 1), dt.date(year, 12, 31))
        return {"year": year, **f.__dict__}

    @staticmethod
    def resolve_evaluations(obj) -> list:
        return list(obj.evaluations.all())


class ProposalIn(Schema):
    name: str = Field(max_length=100)
    category: Category
    brand: Brand
    run_level: RunLevel
    run_unit: str = Field("", max_length=20, description="Unit code of the district center or station that runs it")
    merchant: str = Field(max_length=18, description="The merchant's Unified Social Credit Code (on the list)")
    offer: str = Field(max_length=500)
    subsidy: Money | None = None
    survey: int | None = Field(None, ge=1, le=2**31 - 1)


class ProjectFilter(Schema):
    state: str | None = Field(None, max_length=20)
    category: Category | None = None
    brand: Brand | None = None
    run_level: RunLevel | None = None


def _projects(request):
    return scope_of(request.user).filter(
        Project.objects.select_related("case", "merchant", "run_unit", "owner_unit", "district"))


@router.get("/", response=list[ProjectOut], summary="Service projects in my scope")
@paginate(Pagination)
@scoped_view
def list_projects(request, filters: Query[ProjectFilter]):
    require_perm(request, roles.VIEW_PROJECTS)
    qs = _projects(request)
    if filters.state:
        qs = qs.filter(case__state=filters.state)
    for key in ("category", "brand", "run_level"):
        if getattr(filters, key):
            qs = qs.filter(**{key: getattr(filters, key)})
    return qs.order_by("-created_at")


@router.post("/", response={201: ProjectDetailOut}, summary="Propose a project (a department or a district center)")
@scoped_view
def propose(request, payload: ProposalIn):
    require_perm(request, roles.PROPOSE_PROJECTS)
    case = actions.propose(acting_user=request.user, data=payload.dict())
    return Status(201, _projects(request).get(case=case))


class CatalogueOut(ProjectOut):
    """A project as the catalogue lists it (its own schema: the catalogue pages without counting)."""


class CatalogueFilter(Schema):
    district: str | None = Field(None, max_length=20, description="A district's unit code, or 'city'")
    category: Category | None = None
    brand: Brand | None = None
    q: str | None = Field(None, max_length=40)


@router.get("/catalogue", response=list[CatalogueOut], summary="The catalogue: published and running projects")
@paginate(LookaheadPagination)
@scope_exempt(reason="the catalogue lists published projects for every member of the city: public by design")
def catalogue(request, filters: Query[CatalogueFilter]):
    require_perm(request, roles.VIEW_PROJECTS)
    params = {k: v for k, v in filters.dict().items() if v}
    return catalogue_query(params, card_only=False)[0].select_related("case", "owner_unit")


@router.get("/merchants", response=list[MerchantOut], summary="Merchants (search by name or credit code)")
@paginate(Pagination)
@scope_exempt(reason="the merchant list is city-wide reference data, gated by VIEW_PROJECTS")
def list_merchants(request, q: str = Query("", max_length=40), district: str = Query("", max_length=20)):
    require_perm(request, roles.VIEW_PROJECTS)
    from django.db.models import Q

    qs = Merchant.objects.select_related("district")
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(uscc__startswith=q.upper()))
    if district:
        qs = qs.filter(district__code=district)
    return qs


@router.post("/merchants", response={201: MerchantOut}, summary="Add a merchant")
@scope_exempt(reason="the merchant list is city-wide reference data, gated by MANAGE_MERCHANTS")
def add_merchant(request, payload: MerchantIn):
    require_perm(request, roles.MANAGE_MERCHANTS)
    return Status(201, actions.save_merchant(acting_user=request.user, data=payload.dict()))


@router.put("/merchants/{merchant_id}", response=MerchantOut, summary="Change a merchant (send the version read)")
@scope_exempt(reason="the merchant list is city-wide reference data, gated by MANAGE_MERCHANTS")
def change_merchant(request, merchant_id: Id, payload: MerchantIn):
    require_perm(request, roles.MANAGE_MERCHANTS)
    merchant = get_object_or_404(Merchant, pk=merchant_id)
    return actions.save_merchant(acting_user=request.user, data=payload.dict(), merchant=merchant,
                                 version=payload.version)


class EvaluationRowOut(Schema):
    code: str
    name: str
    visits: int
    members: int
    ratings: int
    satisfaction: Decimal | None
    subsidy: Money | None
    subsidy_per_visit: Money | None
    evaluation_score: int | None
    evaluation_conclusion: str


@router.get("/evaluations", response=list[EvaluationRowOut],
            summary="Participation, satisfaction, fund efficiency and reach of running projects in a year")
@paginate(Pagination)
@scoped_view
def evaluations(request, year: int = Query(..., ge=2000, le=2100)):
    require_perm(request, roles.VIEW_PROJECT_EVALUATIONS)
    qs = _projects(request).filter(running_since__isnull=False).order_by("code")
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)

    def row(p):
        f = figures(p, start, end)
        return {"code": p.code, "name": p.name, "subsidy": p.subsidy, "evaluation_score": p.evaluation_score,
                "evaluation_conclusion": p.evaluation_conclusion, **f.__dict__}

    return _Lazy(qs, row)


class _Lazy:
    """A sequence over a queryset that maps each row of the slice the paginator takes."""

    def __init__(self, qs, func):
        self.qs, self.func = qs, func

    def __len__(self) -> int:
        return self.qs.count()

    def count(self) -> int:
        return self.qs.count()

    def __getitem__(self, item):
        if isinstance(item, slice):
            return [self.func(p) for p in self.qs[item]]
        return self.func(self.qs[item])


class ProjectCountOut(Schema):
    code: str
    label: str
    count: int


class ProjectStatisticsOut(Schema):
    year: int
    category: list[ProjectCountOut]
    brand: list[ProjectCountOut]
    run_level: list[ProjectCountOut]
    state: list[ProjectCountOut]
    running_per_month: list[dict]
    monthly_average: Decimal


@router.get("/statistics", response=ProjectStatisticsOut,
            summary="Projects by category, brand, level, state; per month")
@scoped_view
def stats(request, year: int = Query(..., ge=2000, le=2100)):
    require_perm(request, roles.VIEW_PROJECTS)
    qs = scope_of(request.user).filter(Project.objects.all())
    groups = statistics.breakdowns(qs)
    months = statistics.running_by_month(qs, year)
    out: dict = {key: [{"code": c, "label": label, "count": n} for c, label, n in items]
                 for key, items in groups.items()}
    return {"year": year, **out, "running_per_month": [{"month": m, "count": n} for m, n in months],
            "monthly_average": statistics.monthly_average(months)}


class SurveyOut(Schema):
    id: int
    title: str
    intro: str
    is_open: bool


@router.get("/surveys", response=list[SurveyOut], summary="Worker-needs surveys")
@scope_exempt(reason="surveys are the city office's questionnaires (no unit data), gated by VIEW_PROJECTS")
def surveys(request):
    require_perm(request, roles.VIEW_PROJECTS)
    return list(Survey.objects.all()[:200])


class ResultFilter(Schema):
    district: str | None = Field(None, max_length=12, description="A district center's id")
    industry: str | None = Field(None, max_length=12, description="An industry union's id")
    group: str | None = Field(None, max_length=14)


@router.get("/surveys/{survey_id}/results", response=dict, summary="A survey's results by district, industry, group")
@scope_exempt(reason="survey answers are anonymous and city-wide, gated by VIEW_PROJECTS")
def survey_results(request, survey_id: Id, filters: Query[ResultFilter]):
    require_perm(request, roles.VIEW_PROJECTS)
    survey = get_object_or_404(Survey, pk=survey_id)
    data = survey_results_data(survey, {k: v for k, v in filters.dict().items() if v})
    return {"survey": survey.pk, "total": data["total"], "by": data["by"], "questions": [
        {"id": item["q"].pk, "text": item["q"].text, "kind": item["q"].kind,
         "counts": [{"option": o, "count": n} for o, n in item.get("counts", [])], "texts": item.get("texts", [])}
        for item in data["questions"]]}


class SurveyIn(Schema):
    title: str = Field(max_length=100)
    intro: str = Field("", max_length=1000)
    is_open: bool = False
    questions: list[dict] = Field(..., min_length=1, max_length=50,
                                  description='[{"kind": "single|multiple|text", "text": "...", "options": "a\\nb"}]')


@router.post("/surveys", response={201: SurveyOut}, summary="Write a worker-needs survey (the city office)")
@scope_exempt(reason="surveys are the city office's questionnaires (no unit data), gated by MANAGE_SURVEYS")
def add_survey(request, payload: SurveyIn):
    require_perm(request, roles.MANAGE_SURVEYS)
    return Status(201, actions.save_survey(acting_user=request.user, data=payload.dict()))


class RatingOut(Schema):
    day: dt.date
    score: int
    comment: str


@router.get("/{code}/ratings", response=list[RatingOut], summary="Members' ratings of a project (newest first)")
@paginate(Pagination)
@scoped_view
def project_ratings(request, code: str):
    require_perm(request, roles.VIEW_PROJECT_EVALUATIONS)
    project = scope_of(request.user).get_object_or_404(_projects(request), code=code[:20])
    return project.ratings.order_by("-day", "-pk")


@router.get("/{code}", response=ProjectDetailOut, summary="One project with its figures and evaluations")
@scoped_view
def get_project(request, code: str):
    require_perm(request, roles.VIEW_PROJECTS)
    return scope_of(request.user).get_object_or_404(_projects(request), code=code[:20])
