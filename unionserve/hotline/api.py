"""The 12351 platform over the API, for the telephony (CTI) integration and other clients.

Look up a caller by phone (masked member and earlier requests), take a request, read and list requests, and act
on them through the engine (the same actions and rules as the case page; `GET .../requests/{id}` lists the
actions the caller may take with their fields). Scoped like the pages; personal data only masked.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import FilterSchema, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field as PField

from unionserve.core import roles
from unionserve.core.api import Id, LookaheadPagination, require_perm
from unionserve.core.scope import scope_exempt, scope_of, scoped_view
from unionserve.members.public import Member, identify_caller
from unionserve.workflow.api import ActionIn, CaseDetailOut
from unionserve.workflow.errors import ActionRefused

from . import actions, services
from .models import Category, Channel, HotlineRequest, Kind

router = Router(tags=["hotline"])


class MemberBrief(Schema):
    id: int
    name: str
    id_masked: str
    phone_masked: str
    status: str
    grassroots_code: str
    grassroots_name: str

    @staticmethod
    def resolve_grassroots_code(obj: Member) -> str:
        return obj.grassroots.code

    @staticmethod
    def resolve_grassroots_name(obj: Member) -> str:
        return obj.grassroots.name


class RequestOut(Schema):
    id: int
    case_number: str
    state: str
    state_label: str
    kind: str
    channel: str
    category_id: int
    category_code: str
    category_name: str
    description: str
    caller_name: str
    caller_phone_masked: str
    caller_id_masked: str
    member_id: int | None
    tracking_code: str
    received_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None
    feedback: str
    feedback_at: dt.datetime | None
    feedback_on_time: bool | None
    resolved: bool | None
    escalated: bool
    first_response_at: dt.datetime | None
    callback_at: dt.datetime | None
    satisfaction: str
    satisfaction_reason: str
    redo_count: int
    closed_at: dt.datetime | None
    due_at: dt.datetime | None

    @staticmethod
    def resolve_case_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_state(obj) -> str:
        return obj.case.state

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.case.state_label()

    @staticmethod
    def resolve_category_code(obj) -> str:
        return obj.category.code

    @staticmethod
    def resolve_category_name(obj) -> str:
        return obj.category.name

    @staticmethod
    def resolve_closed_at(obj):
        return obj.case.closed_at

    @staticmethod
    def resolve_due_at(obj):
        return obj.case.due_at


class RequestDetailOut(RequestOut):
    case: CaseDetailOut


class CallerOut(Schema):
    member: MemberBrief | None
    requests: list[RequestOut]


class RequestIn(Schema):
    kind: str = PField(description="consultation or affair")
    category: str = PField(description="Category code, e.g. LDGX02")
    description: str
    caller_name: str
    caller_phone: str
    caller_id_number: str = ""
    member_id: Id | None = None
    channel: str = PField(Channel.PHONE, description="phone, window or web")
    answer: str = PField("", description="Consultation answered on the spot: closes the case")
    refer_to: list[str] = PField([], description="Consultation: department codes to refer it to")
    units: list[str] = PField([], description="Affair: unit codes to dispatch to at once")
    filed_units: list[str] = PField([], description=(
        "Affair: filing copies (unit codes). Required by seed 000 §四.1(1): the district union of every handling "
        "unit below a district and the member's industry union when the member is known; left empty, they are "
        "filled in as the rule requires; given without them, the request is refused (400, naming the missing)."))
    comment: str = ""


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    active: bool
    default_unit_id: int | None
    default_level: int | None


class RequestFilter(FilterSchema):
    kind: str | None = None
    state: str | None = PField(None, description="Case state, e.g. handling or callback")
    open: bool | None = PField(None, description="Only open (true) or only closed (false)")
    tracking_code: str | None = None

    def filter_state(self, value):
        from django.db.models import Q

        return Q(case__state=value) if value else Q()

    def filter_open(self, value):
        from django.db.models import Q

        return Q() if value is None else Q(case__closed_at__isnull=value)

    def filter_tracking_code(self, value):
        from django.db.models import Q

        return Q(tracking_code=value.strip().upper()) if value else Q()


def _may_intake(request) -> None:
    if not (request.user.has_perm(roles.HANDLE_HOTLINE) or request.user.has_perm(roles.INTAKE_REQUESTS)):
        raise PermissionDenied


def _request(request, pk: int) -> HotlineRequest:
    return scope_of(request.user).get_object_or_404(
        HotlineRequest.objects.select_related("case", "category", "case__owner_unit", "case__current_unit"), pk=pk)


def _base():
    return HotlineRequest.objects.select_related("case", "category")


@router.get("/callers", response=CallerOut, summary="Who is calling: the member (masked) and earlier requests")
@scoped_view
def caller(request, phone: str):
    """For the CTI screen pop: the caller's member record (if one active member has this mobile) and the
    latest requests from this phone or of that member, in the caller's scope."""
    require_perm(request, roles.HANDLE_HOTLINE)
    phone = services.normalize_phone(phone)
    member = identify_caller(phone=phone, user=request.user)
    if member is not None and not scope_of(request.user).contains_unit(member.grassroots):
        member = None
    return {"member": member, "requests": services.history(request.user, phone=phone, member=member)}


@router.get("/categories", response=list[CategoryOut], summary="Request categories")
@scope_exempt(reason="request categories are city-wide reference data")
def category_list(request):
    return list(Category.objects.order_by("sort_order", "code"))


@router.post("/requests", response={201: RequestDetailOut}, summary="Take a request (answer, refer or dispatch at "
             "once if given)")
@scoped_view
def create(request, payload: RequestIn):
    _may_intake(request)
    category = Category.objects.filter(code=payload.category.strip()).first()
    if category is None:
        raise ActionRefused(_("Unknown category code %(code)s.") % {"code": payload.category})
    if payload.channel not in Channel.values or payload.kind not in Kind.values:
        raise ActionRefused(_("kind must be consultation or affair; channel phone, window or web."))
    # A member given by id must be in the user's scope; one not given is identified city-wide only for the
    # 12351 platform (HANDLE_HOTLINE), inside the scope for everybody else (actions.take_request).
    taken = actions.take_request(services.Intake(
        kind=payload.kind, category=category, description=payload.description, caller_name=payload.caller_name,
        caller_phone=payload.caller_phone, caller_id_number=payload.caller_id_number,
        member_id=payload.member_id or None, channel=payload.channel, answer=payload.answer,
        refer_to=payload.refer_to, units=payload.units, filed_units=payload.filed_units, comment=payload.comment),
        acting_user=request.user)
    # The request was just opened in the caller's own unit: it is in scope, and reading it back through the
    # scope filter would only cost another query compilation on the busiest write path of the CTI.
    return 201, taken


@router.get("/requests", response=list[RequestOut], summary="List requests in my scope")
@paginate(LookaheadPagination)
@scoped_view
def list_requests(request, filters: Query[RequestFilter]):
    _may_intake(request)
    qs = scope_of(request.user).filter(_base())
    return filters.filter(qs).order_by("-received_at", "-id")


@router.get("/requests/{pk}", response=RequestDetailOut, summary="One request, its case and my possible actions")
@scoped_view
def get_request(request, pk: Id):
    _may_intake(request)
    return _request(request, pk)


@router.post("/requests/{pk}/actions/{action}", response=RequestDetailOut,
             summary="Act on a request's case (the engine's actions: answer, refer, dispatch, feedback, sign, "
                     "return, request_extension, urge, close, redo, …)")
@scoped_view
def act(request, pk: Id, action: str, payload: ActionIn):
    item = _request(request, pk)
    data = {k: v for k, v in payload.data.items() if k != "files"}
    actions.act_on_request(item, action, acting_user=request.user, data=data, version=payload.version,
                           step_id=payload.step)
    return _request(request, pk)
