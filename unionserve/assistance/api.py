"""Assistance over the API: the same actions as the pages, the same roles and scope.

Hardship files and emergency aid move through the case API (`/api/work/cases/{number}/actions/...`): submit,
recommend, approve or grant, reject. The sealed household data is read one file at a time, audited.
"""


import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from unionserve.core import roles
from unionserve.core.api import Id, Pagination, require_perm
from unionserve.core.money import Money
from unionserve.core.scope import scope_of, scoped_view
from unionserve.members import public as members

from . import actions, statistics
from .models import (
    EmergencyAid,
    FileStatus,
    HardshipCause,
    HardshipFile,
    HardshipLevel,
    Nomination,
    NominationStatus,
    Program,
    ProgramKind,
    SkillApplication,
    SkillBasis,
    SkillStatus,
)

router = Router(tags=["assistance"])


def _member(request, member_id: Id):
    member = members.get_member(member_id, user=request.user)
    if member is None:
        from django.http import Http404

        raise Http404
    return member


class FileOut(Schema):
    id: int
    case: str | None
    member_id: int
    member_name: str
    member_id_masked: str
    level: str
    status: str
    station: str
    applied_on: dt.date
    approved_on: dt.date | None
    valid_until: dt.date | None

    @staticmethod
    def resolve_case(obj) -> str | None:
        return obj.case.number if obj.case_id else None

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.name

    @staticmethod
    def resolve_member_id_masked(obj) -> str:
        return obj.member.id_masked

    @staticmethod
    def resolve_station(obj) -> str:
        return obj.station.code


class PersonIn(Schema):
    name: str = Field(max_length=40)
    relation: str = Field("", max_length=20)
    age: int = Field(0, ge=0, le=130)
    income: Money = Decimal(0)
    in_school: bool = False


class FileIn(Schema):
    member_id: int = Field(ge=1)
    level: HardshipLevel
    cause: HardshipCause
    household: list[PersonIn] = Field(min_length=1, max_length=actions.MAX_HOUSEHOLD)
    monthly_income: Money
    monthly_spending: Money
    story: str = Field(max_length=4000)
    applied_on: dt.date | None = None


class FileDetailOut(FileOut):
    cause: str
    household_size: int
    children_in_school: int
    details: dict


class RecheckIn(Schema):
    still_eligible: bool
    note: str = Field(max_length=200)
    level: HardshipLevel | None = None


class FileFilter(Schema):
    status: FileStatus | None = None
    level: HardshipLevel | None = None


def _files(request):
    return scope_of(request.user).filter(HardshipFile.objects.select_related("member", "station", "case"))


@router.get("/hardship-files", response=list[FileOut], summary="Hardship files in my scope (masked)")
@paginate(Pagination)
@scoped_view
def list_files(request, filters: Query[FileFilter]):
    require_perm(request, roles.VIEW_ASSISTANCE)
    qs = _files(request)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.level:
        qs = qs.filter(level=filters.level)
    return qs


@router.post("/hardship-files", response={201: FileOut}, summary="Apply for a member's hardship file (station)")
@scoped_view
def apply_file(request, payload: FileIn):
    require_perm(request, roles.APPLY_ASSISTANCE)
    file = actions.apply_hardship(
        member=_member(request, payload.member_id), level=payload.level, cause=payload.cause,
        household=[p.dict() for p in payload.household], monthly_income=payload.monthly_income,
        monthly_spending=payload.monthly_spending, story=payload.story, applied_on=payload.applied_on,
        acting_user=request.user, request=request)
    return Status(201, _files(request).get(pk=file.pk))


@router.get("/hardship-files/{file_id}", response=FileDetailOut,
            summary="One hardship file with its sealed household data (audited)")
@scoped_view
def get_file(request, file_id: Id):
    require_perm(request, roles.VIEW_HARDSHIP_FILE)
    file = scope_of(request.user).get_object_or_404(_files(request), pk=file_id)
    file.details = actions.details_of(file, user=request.user, request=request)
    return file


@router.post("/hardship-files/{file_id}/recheck", response=FileOut, summary="The yearly re-check")
@scoped_view
def recheck_file(request, file_id: Id, payload: RecheckIn):
    require_perm(request, roles.APPLY_ASSISTANCE)
    file = scope_of(request.user).get_object_or_404(_files(request), pk=file_id)
    actions.recheck_hardship(file, still_eligible=payload.still_eligible, note=payload.note,
                             level=payload.level or "", acting_user=request.user, request=request)
    return _files(request).get(pk=file.pk)


# --- fund ---


class FundOut(Schema):
    name: str
    balance: Money


class EntryOut(Schema):
    kind: str
    amount: Money
    balance_after: Money
    memo: str
    created_at: dt.datetime


class IncomeIn(Schema):
    amount: Money
    memo: str = Field(max_length=200)


@router.get("/fund", response=FundOut, summary="The warm fund's balance")
@scoped_view
def get_fund(request):
    require_perm(request, roles.MANAGE_WARM_FUND)
    fund = scope_of(request.user).filter(actions.Fund.objects.order_by("pk")).first()
    if fund is None:
        from django.http import Http404

        raise Http404
    return fund


@router.get("/fund/entries", response=list[EntryOut], summary="The warm fund's ledger, newest first")
@paginate(Pagination)
@scoped_view
def fund_entries(request):
    require_perm(request, roles.MANAGE_WARM_FUND)
    return scope_of(request.user).filter(actions.FundEntry.objects.all())


@router.post("/fund/income", response={201: EntryOut}, summary="Record income into the warm fund")
@scoped_view
def fund_income(request, payload: IncomeIn):
    require_perm(request, roles.MANAGE_WARM_FUND)
    fund = scope_of(request.user).filter(actions.Fund.objects.order_by("pk")).first()
    if fund is None:
        from django.http import Http404

        raise Http404
    return Status(201, actions.add_income(fund, amount=payload.amount, memo=payload.memo, acting_user=request.user,
                                          request=request))


# --- programs ---


class ProgramOut(Schema):
    id: int
    kind: str
    year: int
    title: str
    amount: Money
    sms_text: str
    status: str


class ProgramIn(Schema):
    kind: ProgramKind
    year: int = Field(ge=2000, le=2100)
    title: str = Field(max_length=100)
    amount: Money
    sms_text: str = Field(max_length=200)


class BudgetIn(Schema):
    district_id: int = Field(ge=1)
    amount: Money


class NominationOut(Schema):
    id: int
    member_id: int
    member_name: str
    member_id_masked: str
    district: str
    status: str
    added_by_hand: bool
    reason: str

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.name

    @staticmethod
    def resolve_member_id_masked(obj) -> str:
        return obj.member.id_masked

    @staticmethod
    def resolve_district(obj) -> str:
        return obj.district.code


class AddIn(Schema):
    member_id: int = Field(ge=1)
    reason: str = Field(max_length=200)


class ReasonIn(Schema):
    reason: str = Field(max_length=200)


class NominationCountOut(Schema):
    count: int


@router.get("/programs", response=list[ProgramOut], summary="Seasonal programs")
@paginate(Pagination)
@scoped_view
def list_programs(request):
    require_perm(request, roles.VIEW_ASSISTANCE)
    return Program.objects.all()


@router.post("/programs", response={201: ProgramOut}, summary="Set up a seasonal program (city)")
@scoped_view
def create_program(request, payload: ProgramIn):
    require_perm(request, roles.APPROVE_ASSISTANCE)
    return Status(201, actions.create_program(**payload.dict(), acting_user=request.user, request=request))


@router.put("/programs/{program_id}/budget", response=ProgramOut, summary="Set a district's budget (city)")
@scoped_view
def set_budget(request, program_id: Id, payload: BudgetIn):
    require_perm(request, roles.APPROVE_ASSISTANCE)
    program = get_object_or_404(Program, pk=program_id)
    actions.set_budget(program, district_id=payload.district_id, amount=payload.amount, acting_user=request.user,
                       request=request)
    return program


@router.get("/programs/{program_id}/nominations", response=list[NominationOut],
            summary="The program's nomination list in my scope")
@paginate(Pagination)
@scoped_view
def list_nominations(request, program_id: Id, status: NominationStatus | None = None):
    require_perm(request, roles.VIEW_ASSISTANCE)
    program = get_object_or_404(Program, pk=program_id)
    qs = scope_of(request.user).filter(Nomination.objects.filter(program=program).select_related(
        "member", "district")).order_by("pk")
    return qs.filter(status=status) if status else qs


@router.post("/programs/{program_id}/draw", response=NominationCountOut,
             summary="Draw the list from the register (a district: its own; the city: all)")
@scoped_view
def draw(request, program_id: Id):
    require_perm(request, roles.REVIEW_ASSISTANCE)
    program = get_object_or_404(Program, pk=program_id)
    return {"count": actions.draw_nominations(program, acting_user=request.user, request=request)}


@router.post("/programs/{program_id}/nominations", response={201: NominationOut},
             summary="Add a member by hand, with the reason")
@scoped_view
def add(request, program_id: Id, payload: AddIn):
    require_perm(request, roles.REVIEW_ASSISTANCE)
    program = get_object_or_404(Program, pk=program_id)
    nom = actions.add_nomination(program, member=_member(request, payload.member_id), reason=payload.reason,
                                 acting_user=request.user, request=request)
    return Status(201, nom)


@router.post("/programs/{program_id}/nominations/{nomination_id}/remove", response=NominationOut,
             summary="Take a member off the list, with the reason")
@scoped_view
def remove(request, program_id: Id, nomination_id: Id, payload: ReasonIn):
    require_perm(request, roles.REVIEW_ASSISTANCE)
    nom = scope_of(request.user).get_object_or_404(Nomination.objects.select_related("member", "district"),
                                                   pk=nomination_id, program_id=program_id)
    return actions.remove_nomination(nom.pk, reason=payload.reason, acting_user=request.user, request=request)


@router.post("/programs/{program_id}/approve", response=NominationCountOut,
             summary="Approve: draw from the fund and ask one payment per member (city)")
@scoped_view
def approve(request, program_id: Id):
    require_perm(request, roles.APPROVE_ASSISTANCE)
    program = get_object_or_404(Program, pk=program_id)
    return {"count": actions.approve_program(program, acting_user=request.user, request=request)}


# --- emergency aid ---


class EmergencyAidOut(Schema):
    id: int
    case: str | None
    member_id: int
    amount_asked: Money
    amount_granted: Money | None
    status: str
    applied_on: dt.date

    @staticmethod
    def resolve_case(obj) -> str | None:
        return obj.case.number if obj.case_id else None


class AidIn(Schema):
    member_id: int = Field(ge=1)
    what_happened: str = Field(max_length=2000)
    amount_asked: Money


@router.get("/emergency", response=list[EmergencyAidOut], summary="Emergency aid in my scope")
@paginate(Pagination)
@scoped_view
def list_aid(request):
    require_perm(request, roles.VIEW_ASSISTANCE)
    return scope_of(request.user).filter(EmergencyAid.objects.select_related("case"))


@router.post("/emergency", response={201: EmergencyAidOut}, summary="Apply for emergency aid (station)")
@scoped_view
def apply_aid(request, payload: AidIn):
    require_perm(request, roles.APPLY_ASSISTANCE)
    return Status(201, actions.apply_emergency(member=_member(request, payload.member_id),
                                               what_happened=payload.what_happened,
                                               amount_asked=payload.amount_asked, acting_user=request.user,
                                               request=request))


# --- skills boost ---


class SkillOut(Schema):
    id: int
    member_id: int
    basis: str
    certificate_number: str
    issuer: str
    place: int | None
    applied_on: dt.date
    amount: Money
    policy: dict
    status: str
    reason: str


class SkillIn(Schema):
    member_id: int = Field(ge=1)
    basis: SkillBasis
    certificate_number: str = Field(max_length=60)
    issuer: str = Field(max_length=100)
    place: int | None = Field(None, ge=1, le=100)
    applied_on: dt.date | None = None


class DecideIn(Schema):
    approve: bool
    reason: str = Field("", max_length=200)


@router.get("/skills", response=list[SkillOut], summary="Skills-boost applications in my scope")
@paginate(Pagination)
@scoped_view
def list_skills(request, status: SkillStatus | None = None):
    require_perm(request, roles.VIEW_ASSISTANCE)
    qs = scope_of(request.user).filter(SkillApplication.objects.all())
    return qs.filter(status=status) if status else qs


@router.post("/skills", response={201: SkillOut}, summary="Apply for the skills boost (amount by policy on the day)")
@scoped_view
def apply_skills(request, payload: SkillIn):
    require_perm(request, roles.APPLY_ASSISTANCE)
    data = payload.dict()
    member = _member(request, data.pop("member_id"))
    return Status(201, actions.apply_skills(member=member, acting_user=request.user, request=request, **data))


@router.post("/skills/{app_id}/decide", response=SkillOut, summary="Approve (payment asked) or reject (city)")
@scoped_view
def decide_skills(request, app_id: Id, payload: DecideIn):
    require_perm(request, roles.APPROVE_ASSISTANCE)
    scope_of(request.user).get_object_or_404(SkillApplication.objects.all(), pk=app_id)
    return actions.decide_skills(app_id, approve=payload.approve, reason=payload.reason, acting_user=request.user,
                                 request=request)


# --- statistics ---


class YearFilter(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


@router.get("/statistics", response=dict, summary="Grants by program, district and amount; files by level and cause")
@scoped_view
def stats(request, filters: Query[YearFilter]):
    require_perm(request, roles.VIEW_ASSISTANCE)
    f = statistics.figures(request.user, year=filters.year)
    for key in ("by_program", "by_district", "others", "by_level", "by_cause"):
        f[key] = [{k: (str(v) if isinstance(v, Decimal) else v) for k, v in r.items()} for r in f[key]]
    f["total"] = str(f["total"])
    return f
