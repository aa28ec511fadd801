"""Accident, death and fire-loss claims over the API (mounted at /api/mutual-aid/claims).

List and read the claims of one's scope, collect one for a member of the station's register, take the engine's
actions on it (the same `workflow.actions.perform` as the case page: sign, decide, refuse…), and the statistics.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from unionserve.core.api import Id, Pagination, Version, require_perm
from unionserve.core.money import Money
from unionserve.core.queries import prefix_q
from unionserve.core.roles import CLAIMS_VIEW, CLAIMS_VIEW_STATS
from unionserve.core.scope import scope_of, scoped_view
from unionserve.workflow import actions as engine
from unionserve.workflow.permissions import actions_for

from . import claims_actions as actions
from . import claims_statistics as statistics
from .claims_views import _may_collect
from .models import Claim, ClaimType

router = Router(tags=["mutualaid"])


class AidClaimOut(Schema):
    id: int
    number: str
    state: str
    state_label: str
    version: int
    member_id: int
    member_name: str
    claim_type: str
    event_date: dt.date
    station: str
    amount: Money | None
    decided_at: dt.datetime | None
    paid_on: dt.date | None
    due_at: dt.datetime | None

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_state(obj) -> str:
        return obj.case.state

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.case.state_label()

    @staticmethod
    def resolve_version(obj) -> int:
        return obj.case.version

    @staticmethod
    def resolve_member_name(obj) -> str:
        return obj.member.name

    @staticmethod
    def resolve_station(obj) -> str:
        return obj.station.name

    @staticmethod
    def resolve_due_at(obj):
        return obj.case.due_at


class ClaimActionOut(Schema):
    code: str
    label: str


class ClaimDetailOut(AidClaimOut):
    event_summary: str
    documents: list[str]
    missing_documents: list[str]
    disability_grade: int | None
    assessed_loss: Money | None
    district_opinion: str
    policy_record: dict
    refusal_reasons: list[str]
    refusal_text: str
    actions: list[ClaimActionOut]

    @staticmethod
    def resolve_actions(obj, context) -> list[dict]:
        user = context["request"].user
        return [{"code": s.code, "label": str(s.label)} for s in actions_for(obj.case, user)]


class ClaimFilter(Schema):
    state: str | None = Field(None, max_length=32, description="A state code of the claim process")
    type: str | None = Field(None, max_length=12, description="disability, death or fire")
    q: str | None = Field(None, max_length=50, description="Start of the case number, or of the member's name")


class CollectIn(Schema):
    member_id: Id
    claim_type: ClaimType
    event_date: dt.date
    event_summary: str = Field(..., min_length=1, max_length=2000)
    documents: list[str] = Field(default_factory=list, max_length=20)
    disability_grade: int | None = Field(None, ge=1, le=10)
    assessed_loss: Money | None = None


class ClaimActionIn(Schema):
    version: Version
    data: dict = Field(default_factory=dict)


def _qs(request):
    require_perm(request, CLAIMS_VIEW)
    return scope_of(request.user).filter(
        Claim.objects.select_related("case", "member", "station").order_by("-case__opened_at", "-pk"))


@router.get("/statistics", summary="Claims paid by benefit, quarter, district and industry; days to pay; refusals")
@scoped_view
def claim_statistics(request, year: int | None = Query(None, ge=statistics.FIRST_YEAR, le=2100),
                     quarter: int | None = Query(None, ge=1, le=4)):
    require_perm(request, CLAIMS_VIEW_STATS)
    try:
        period = statistics.parse_period(year, quarter)
    except ValueError as exc:
        raise HttpError(400, str(exc)) from None
    return statistics.compute(request.user, period).as_dict()


@router.get("", response=list[AidClaimOut], summary="Claims in my scope")
@paginate(Pagination)
@scoped_view
def list_claims(request, filters: Query[ClaimFilter]):
    qs = _qs(request)
    if filters.state:
        qs = qs.filter(case__state=filters.state)
    if filters.type:
        qs = qs.filter(claim_type=filters.type)
    if filters.q:
        qs = qs.filter(prefix_q("case__number", filters.q.upper()) | Q(member__name__startswith=filters.q))
    return qs


@router.get("/{claim_id}", response=ClaimDetailOut, summary="One claim, with the actions I may take now")
@scoped_view
def get_claim(request, claim_id: Id):
    return scope_of(request.user).get_object_or_404(_qs(request), pk=claim_id)


@router.post("", response={201: ClaimDetailOut}, summary="Collect a claim at my station for a member of its register")
@scoped_view
def collect(request, payload: CollectIn):
    if not _may_collect(request.user):
        raise PermissionDenied(_("Claims are collected at a union service station by its social workers."))
    case = actions.collect_claim(
        acting_user=request.user, member_id=payload.member_id, claim_type=payload.claim_type,
        event_date=payload.event_date, event_summary=payload.event_summary, documents=payload.documents,
        disability_grade=payload.disability_grade,
        assessed_loss=Decimal(payload.assessed_loss) if payload.assessed_loss is not None else None, request=request)
    return Status(201, Claim.objects.select_related("case", "member", "station").get(case=case))


@router.post("/{claim_id}/actions/{action}", response=ClaimDetailOut,
             summary="Take an action of the claim process (the same rules as the case page)")
@scoped_view
def take_action(request, claim_id: Id, action: str, payload: ClaimActionIn):
    claim = scope_of(request.user).get_object_or_404(_qs(request), pk=claim_id)
    if not any(s.code == action for s in actions_for(claim.case, request.user)):
        raise PermissionDenied(_("You cannot take this action on this claim now."))
    data = {k: v for k, v in payload.data.items() if k != "files"}
    engine.perform(claim.case, action, actor=request.user, data=data, version=payload.version, request=request)
    return Claim.objects.select_related("case", "member", "station").get(pk=claim.pk)
