"""Members and employers over the API (scoped, paginated, filtered). Personal data only masked: clear values are
read on the member page, one audited click at a time."""

import datetime as dt
from typing import Literal

from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from unionserve.core import roles
from unionserve.core.api import Id, Pagination, require_perm
from unionserve.core.scope import scope_of, scoped_view

from . import vocab
from .models import Employer, Member, MemberStatus, SpecialGroup
from .search import EmployerFilter, MemberFilter
from .vocab import Education, Employment, Hukou

router = Router(tags=["members"])


class MemberOut(Schema):
    id: int
    name: str
    id_masked: str
    phone_masked: str
    gender: str
    birth_date: dt.date
    status: str
    grassroots_id: int
    grassroots_name: str
    grassroots_code: str
    employer_id: int | None
    employer_name: str | None
    card_number: str
    joined_on: dt.date | None
    version: int

    @staticmethod
    def resolve_grassroots_name(obj: Member) -> str:
        return obj.grassroots.name

    @staticmethod
    def resolve_grassroots_code(obj: Member) -> str:
        return obj.grassroots.code

    @staticmethod
    def resolve_employer_name(obj: Member) -> str | None:
        return obj.employer.name if obj.employer else None


class HistoryOut(Schema):
    grassroots_id: int
    grassroots_name: str
    employer_id: int | None
    since: dt.datetime
    until: dt.datetime | None
    reason: str

    @staticmethod
    def resolve_grassroots_name(obj) -> str:
        return obj.grassroots.name


class GroupOut(Schema):
    group: str
    detail: str
    since: dt.datetime
    until: dt.datetime | None


class MemberDetailOut(MemberOut):
    #: Codes of members.vocab; "" when not known.
    employment: Employment | Literal[""]
    education: Education | Literal[""]
    hukou: Hukou | Literal[""]
    skill_certificate: str
    honour: str
    hardship: bool
    single_mother: bool
    history: list[HistoryOut]
    special_groups: list[GroupOut]

    @staticmethod
    def resolve_history(obj: Member) -> list:
        return list(obj.history.select_related("grassroots").order_by("since", "id"))

    @staticmethod
    def resolve_special_groups(obj: Member) -> list:
        return list(obj.special_groups.order_by("since", "id"))


class MemberQuery(Schema):
    q: str | None = Field(None, description="Start of the name, pinyin initials, an ID number, a mobile or a card "
                                            "number (the last three exact)")
    unit: str | None = Field(None, description="Code of a unit: its members and those of the units under it")
    status: MemberStatus | None = None
    group: SpecialGroup | None = Field(None, description="Members currently in this special group")
    # The coded fields (members.vocab): an unknown code is refused with 422, like every enum of the API.
    employment: Employment | None = None
    education: Education | None = None
    hukou: Hukou | None = None

    def to_filter(self) -> MemberFilter:
        return MemberFilter(q=self.q or "", unit=self.unit or "", status=self.status or "", group=self.group or "")

    def coded(self) -> dict[str, str]:
        """The coded fields asked for, as filter arguments."""
        return {name: getattr(self, name).value for name in vocab.FIELDS if getattr(self, name) is not None}


class EmployerOut(Schema):
    id: int
    name: str
    uscc: str
    address: str
    station_id: int
    station_name: str
    industry_union_id: int | None
    has_union: bool
    grassroots_id: int | None
    reported_members: int

    @staticmethod
    def resolve_station_name(obj: Employer) -> str:
        return obj.station.name


class EmployerDetailOut(EmployerOut):
    member_count: int = Field(description="Members in the register (in your scope)")


class EmployerQuery(Schema):
    q: str | None = Field(None, description="Start of the name, or the exact Unified Social Credit Code")
    has_union: bool | None = None

    def to_filter(self) -> EmployerFilter:
        has_union = "" if self.has_union is None else ("1" if self.has_union else "0")
        return EmployerFilter(q=self.q or "", has_union=has_union)


# Employers first: "/employers" must not be read as a member id.
@router.get("/employers", response=list[EmployerOut], summary="List employers in my scope")
@paginate(Pagination)
@scoped_view
def list_employers(request, filters: Query[EmployerQuery]):
    require_perm(request, roles.VIEW_MEMBERS)
    return filters.to_filter().apply(request.user, Employer.objects.select_related("station")).order_by("name", "pk")


@router.get("/employers/{employer_id}", response=EmployerDetailOut, summary="One employer")
@scoped_view
def get_employer(request, employer_id: Id):
    require_perm(request, roles.VIEW_MEMBERS)
    scope = scope_of(request.user)
    employer = scope.get_object_or_404(Employer.objects.select_related("station"), pk=employer_id)
    employer.member_count = scope.filter(  # type: ignore[attr-defined]  # read by EmployerDetailOut
        Member.objects.filter(employer=employer)).count()
    return employer


@router.get("/", response=list[MemberOut], summary="List or search members in my scope (masked)")
@paginate(Pagination)
@scoped_view
def list_members(request, filters: Query[MemberQuery]):
    require_perm(request, roles.VIEW_MEMBERS)
    return filters.to_filter().apply(request.user, Member.objects.select_related("grassroots", "employer")).filter(
        **filters.coded()).order_by("name", "pk")


@router.get("/{member_id}", response=MemberDetailOut, summary="One member (masked)")
@scoped_view
def get_member(request, member_id: Id):
    require_perm(request, roles.VIEW_MEMBERS)
    return scope_of(request.user).get_object_or_404(Member.objects.select_related("grassroots", "employer"),
                                                    pk=member_id)
