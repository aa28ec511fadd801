"""Plans, enrolment and the medical batch over the API: the same actions and scope as the pages.

Reads are scoped (out of scope is 404); the batch is the office's (MANAGE_MUTUALAID). Files go as multipart
uploads; the daily card export answers the CSV itself with its checksum in ``X-Checksum-SHA256``.
"""


import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from unionserve.core import roles
from unionserve.core.api import Id, Pagination, require_perm
from unionserve.core.money import Money
from unionserve.core.scope import scope_of, scoped_view
from unionserve.members import public as members

from . import actions, medical
from .eligibility import REASONS, is_eligible
from .forms_plans import MAX_BYTES
from .models import CardExport, Enrolment, ExpenseBatch, ExpenseLine, FileImport, Plan
from .statement import statement
from .views_plans import FLAG_LABELS, LINE_FILTERS, _saved, _unit

router = Router(tags=["mutualaid"])

class PlanOut(Schema):
    code: str
    name: str
    kind: str
    active: bool


class EnrolmentOut(Schema):
    id: int
    member_id: int
    member_name: str
    plan: str
    year: int
    unit: str
    contribution: Money
    paid_on: dt.date | None
    in_social_insurance: bool

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.name

    @staticmethod
    def resolve_plan(obj) -> str:
        return obj.plan.code

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code


class EnrolmentFilter(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    plan: str | None = Field(None, max_length=30)
    member_id: Id | None = None


class EnrolIn(Schema):
    member_id: Id
    plan: str = Field(max_length=30, description="The plan's code (GET /plans)")
    year: int = Field(ge=2000, le=2100)
    unit: str = Field(max_length=40, description="The enrolling unit's code, in your scope")
    contribution: Money
    paid_on: dt.date | None = None
    in_social_insurance: bool = False


class ExpenseImportOut(Schema):
    id: int
    kind: str
    original_name: str
    accepted: bool
    rows: int
    created: int
    error_count: int
    errors: list[list] = Field(description="[row, column, value, problem], at most 200 here")

    @staticmethod
    def resolve_errors(obj) -> list:
        return obj.errors[:200]


class EligibilityIn(Schema):
    member_id: Id
    plan: str = Field(max_length=30)
    on: dt.date


class YearIn(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


class EligibilityOut(Schema):
    eligible: bool
    reason: str
    reason_text: str


class ExpenseLineOut(Schema):
    id: int
    batch_id: int
    row: int
    member_id: int | None
    id_masked: str
    hospital: str
    visit_kind: str
    visit_from: dt.date
    visit_to: dt.date
    self_paid: Money
    state: str
    reason: str
    flags: list[str]
    computed: Money
    paid_before: Money
    payout: Money
    cap: Money
    special_cap: bool
    policy_versions: dict
    review_note: str
    paid_on: dt.date | None

    @staticmethod
    def resolve_flags(obj) -> list[str]:
        return [f for f in obj.flags.split(",") if f]


class MemberAidOut(Schema):
    member_id: int
    year: int
    enrolments: list[EnrolmentOut]
    cap: Money
    cap_version: int
    cap_special: bool
    counted: Money
    paid: Money
    remaining: Money
    lines: list[ExpenseLineOut] | None = Field(None, description="Only for holders of the medical-lines permission")


class MedicalBatchOut(Schema):
    id: int
    year: int
    quarter: int
    original_name: str
    sha256: str
    state: str
    lines: int
    rejected: int
    flagged: int
    total_claimed: Money
    total_payout: Money
    first_reviewer: str | None
    second_reviewer: str | None

    @staticmethod
    def resolve_first_reviewer(obj) -> str | None:
        return obj.first_reviewer.username if obj.first_reviewer else None

    @staticmethod
    def resolve_second_reviewer(obj) -> str | None:
        return obj.second_reviewer.username if obj.second_reviewer else None


class LineFilter(Schema):
    state: str | None = Field(None, max_length=12, description="flagged, rejected, refused, payable, requested, "
                                                               "paid or failed")
    flag: str | None = Field(None, max_length=12, description="over_cap, near_cap, outlier, doubt or sample")
    year: int | None = Field(None, ge=2000, le=2100)


class ExpenseNoteIn(Schema):
    note: str = Field("", max_length=200)


class CardExportIn(Schema):
    day: dt.date


class CardExportOut(Schema):
    id: int
    day: dt.date
    rows: int
    sha256: str


# --- plans and enrolment -------------------------------------------------------------------------------------

@router.get("/plans", response=list[PlanOut], summary="The eight plans")
@scoped_view
def list_plans(request):
    require_perm(request, roles.VIEW_MUTUALAID)
    return Plan.objects.all()


@router.get("/enrolments", response=list[EnrolmentOut], summary="Enrolments of members in my scope")
@paginate(Pagination)
@scoped_view
def list_enrolments(request, filters: Query[EnrolmentFilter]):
    require_perm(request, roles.VIEW_MUTUALAID)
    qs = scope_of(request.user).filter(Enrolment.objects.select_related("member", "plan", "unit")).order_by("pk")
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.plan:
        qs = qs.filter(plan__code=filters.plan)
    if filters.member_id:
        qs = qs.filter(member_id=filters.member_id)
    return qs


@router.post("/enrolments", response={201: EnrolmentOut}, summary="Enrol one member of my scope in a plan")
@scoped_view
def enrol(request, payload: EnrolIn):
    require_perm(request, roles.ENROL_MUTUALAID)
    member = members.get_member(payload.member_id, user=request.user)
    if member is None:
        raise HttpError(404, _("No such member in your units."))
    plan = Plan.objects.filter(code=payload.plan, active=True).first()
    if plan is None:
        raise HttpError(400, _("Not a plan open for enrolment."))
    unit = _unit(request.user, payload.unit)
    if unit is None:
        raise HttpError(400, _("Choose a unit of your own scope."))
    if payload.paid_on and payload.paid_on > timezone.localdate():
        raise HttpError(400, _("The paid date cannot be in the future."))
    e = actions.enrol(member=member, plan=plan, year=payload.year, unit=unit, contribution=payload.contribution,
                      paid_on=payload.paid_on, in_social_insurance=payload.in_social_insurance,
                      acting_user=request.user, request=request)
    return Status(201, Enrolment.objects.select_related("member", "plan", "unit").get(pk=e.pk))


def _check_upload(upload: UploadedFile) -> None:
    if (upload.size or 0) > MAX_BYTES:
        raise HttpError(400, _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    if not (upload.name or "").lower().endswith((".xlsx", ".csv")):
        raise HttpError(400, _("Send the file as .xlsx or .csv."))


@router.post("/enrolments/import", response={201: ExpenseImportOut},
             summary="Import a unit's enrolment list (all or nothing; accepted=false with the errors when refused)")
@scoped_view
def import_enrolments(request, unit: Form[str], file: File[UploadedFile]):
    require_perm(request, roles.ENROL_MUTUALAID)
    _check_upload(file)
    target = _unit(request.user, unit[:40])
    if target is None:
        raise HttpError(400, _("Choose a unit of your own scope."))
    with _saved(file) as path:
        imp = actions.import_enrolments(path=path, name=file.name or "list.csv", unit=target,
                                        acting_user=request.user, request=request)
    return Status(201, imp)


@router.get("/imports/{import_id}", response=ExpenseImportOut, summary="A file read and its errors")
@scoped_view
def get_import(request, import_id: Id):
    require_perm(request, roles.VIEW_MUTUALAID)
    imp = scope_of(request.user).get_object_or_404(FileImport.objects.all(), pk=import_id)
    if imp.kind == "expenses" and not request.user.has_perm(roles.MANAGE_MUTUALAID):
        raise HttpError(404, _("Not found."))
    return imp


@router.get("/eligibility", response=EligibilityOut, summary="Whether a member of my scope may receive a plan on a day")
@scoped_view
def eligibility(request, query: Query[EligibilityIn]):
    require_perm(request, roles.VIEW_MUTUALAID)
    member = members.get_member(query.member_id, user=request.user)
    if member is None:
        raise HttpError(404, _("No such member in your units."))
    ok, reason = is_eligible(member.pk, query.plan, query.on)
    return {"eligible": ok, "reason": reason, "reason_text": str(REASONS.get(reason, ""))}


@router.get("/members/{member_id}", response=MemberAidOut,
            summary="A member's plans, cap, paid and remaining this year (and medical lines)")
@scoped_view
def member_aid(request, member_id: Id, query: Query[YearIn]):
    year = query.year
    require_perm(request, roles.VIEW_MUTUALAID)
    member = members.get_member(member_id, user=request.user)
    if member is None:
        raise HttpError(404, _("No such member in your units."))
    st = statement(member, year or timezone.localdate().year)
    show = request.user.has_perm(roles.VIEW_MEDICAL_LINES)
    return {"member_id": member.pk, "year": st.year, "enrolments": st.enrolments, "cap": st.cap,
            "cap_version": st.cap_version, "cap_special": st.cap_special, "counted": st.counted, "paid": st.paid,
            "remaining": st.remaining, "lines": [s.line for s in st.lines] if show else None}


# --- the daily card export ------------------------------------------------------------------------------------

@router.post("/card-exports", summary="Make the day's CSV of valid card holders (answers the CSV, "
                                       "its SHA-256 in X-Checksum-SHA256)")
@scoped_view
def card_export(request, payload: CardExportIn):
    require_perm(request, roles.MANAGE_MUTUALAID)
    today = timezone.localdate()
    if payload.day > today or payload.day.year < today.year - 1:
        raise HttpError(400, _("Choose a day of this or last year, not in the future."))
    data, log = actions.export_cards(day=payload.day, acting_user=request.user, request=request)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["X-Checksum-SHA256"] = log.sha256
    return response


@router.get("/card-exports", response=list[CardExportOut], summary="The exports made")
@paginate(Pagination)
@scoped_view
def list_card_exports(request):
    require_perm(request, roles.MANAGE_MUTUALAID)
    return CardExport.objects.all()


# --- the quarterly batch ----------------------------------------------------------------------------------------

def _batch(request, batch_id: int) -> ExpenseBatch:
    require_perm(request, roles.MANAGE_MUTUALAID)
    return scope_of(request.user).get_object_or_404(
        ExpenseBatch.objects.select_related("first_reviewer", "second_reviewer"), pk=batch_id)


@router.get("/batches", response=list[MedicalBatchOut], summary="The quarters' medical batches")
@paginate(Pagination)
@scoped_view
def list_batches(request):
    require_perm(request, roles.MANAGE_MUTUALAID)
    return scope_of(request.user).filter(ExpenseBatch.objects.select_related("first_reviewer", "second_reviewer"))


@router.post("/batches", response={201: MedicalBatchOut},
             summary="Read a quarter's expense file (400 with import_id when refused whole)")
@scoped_view
def import_batch(request, year: Form[int], quarter: Form[int], file: File[UploadedFile]):
    require_perm(request, roles.MANAGE_MUTUALAID)
    if not 2000 <= year <= timezone.localdate().year + 1 or quarter not in (1, 2, 3, 4):
        raise HttpError(400, _("A year and a quarter 1–4."))
    _check_upload(file)
    try:
        with _saved(file) as path:
            batch = actions.import_expenses(path=path, name=file.name or "expenses.csv", year=year, quarter=quarter,
                                            office=request.user.org_unit, acting_user=request.user, request=request)
    except medical.BatchRefused as refused:
        raise HttpError(400, _("The file was refused whole (import %(id)d): %(first)s") % {
            "id": refused.record.pk, "first": refused.record.errors[0][3] if refused.record.errors else ""}) from None
    return Status(201, batch)


@router.get("/batches/{batch_id}", response=MedicalBatchOut, summary="One batch")
@scoped_view
def get_batch(request, batch_id: Id):
    return _batch(request, batch_id)


@router.get("/batches/{batch_id}/lines", response=list[ExpenseLineOut], summary="A batch's lines")
@paginate(Pagination)
@scoped_view
def batch_lines(request, batch_id: Id, filters: Query[LineFilter]):
    qs = _batch(request, batch_id).expense_lines.order_by("row")
    return _filter_lines(qs, filters)


def _filter_lines(qs, filters: LineFilter):
    if filters.state:
        if filters.state not in LINE_FILTERS:
            raise HttpError(400, _("Unknown state."))
        qs = qs.filter(LINE_FILTERS[filters.state])
    if filters.flag:
        if filters.flag not in FLAG_LABELS:
            raise HttpError(400, _("Unknown flag."))
        qs = qs.filter(flags__contains=filters.flag)
    if filters.year:
        qs = qs.filter(visit_from__year=filters.year)
    return qs


def _line(request, batch_id: int, line_id: int) -> ExpenseLine:
    line = _batch(request, batch_id).expense_lines.filter(pk=line_id).first()
    if line is None:
        raise HttpError(404, _("Not found."))
    return line


@router.post("/batches/{batch_id}/lines/{line_id}/clear", response=ExpenseLineOut, summary="First review: clear a line")
@scoped_view
def clear_line(request, batch_id: Id, line_id: Id, payload: ExpenseNoteIn):
    return actions.clear_line(_line(request, batch_id, line_id), acting_user=request.user, note=payload.note,
                              request=request)


@router.post("/batches/{batch_id}/lines/{line_id}/refuse", response=ExpenseLineOut,
             summary="First review: refuse a line (a note is required)")
@scoped_view
def refuse_line(request, batch_id: Id, line_id: Id, payload: ExpenseNoteIn):
    return actions.refuse_line(_line(request, batch_id, line_id), acting_user=request.user, note=payload.note,
                               request=request)


@router.post("/batches/{batch_id}/finish", response=MedicalBatchOut, summary="First review done (no flagged line left)")
@scoped_view
def finish(request, batch_id: Id):
    return actions.finish_first_review(_batch(request, batch_id), acting_user=request.user, request=request)


@router.post("/batches/{batch_id}/approve", response=MedicalBatchOut,
             summary="Second review by another person: approve and request the payments")
@scoped_view
def approve(request, batch_id: Id):
    return actions.approve_batch(_batch(request, batch_id), acting_user=request.user, request=request)


@router.post("/batches/{batch_id}/return", response=MedicalBatchOut, summary="Second review: back to the first review")
@scoped_view
def return_batch(request, batch_id: Id, payload: ExpenseNoteIn):
    return actions.return_to_first_review(_batch(request, batch_id), acting_user=request.user, note=payload.note,
                                          request=request)


# --- lines of members in scope ---------------------------------------------------------------------------------

@router.get("/lines", response=list[ExpenseLineOut], summary="Medical lines of the members in my scope")
@paginate(Pagination)
@scoped_view
def list_lines(request, filters: Query[LineFilter]):
    require_perm(request, roles.VIEW_MEDICAL_LINES)
    qs = scope_of(request.user).filter(ExpenseLine.objects.all()).order_by("-visit_from", "pk")
    return _filter_lines(qs, filters)


@router.get("/lines/{line_id}", response=ExpenseLineOut, summary="One medical line of a member in my scope")
@scoped_view
def get_line(request, line_id: Id):
    require_perm(request, roles.VIEW_MEDICAL_LINES)
    return scope_of(request.user).get_object_or_404(ExpenseLine.objects.all(), pk=line_id)

