"""Legal aid over the API: register an application, list and read cases (scoped: a lawyer sees their own).

Decisions and the case file go through the case API (`/api/work/cases/{number}/actions/...`), the same
rules as the pages."""


import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from unionserve.core.api import Pagination
from unionserve.core.money import Money
from unionserve.core.queries import prefix_q
from unionserve.core.scope import scope_of, scoped_view
from unionserve.core.vocab import DisputeType
from unionserve.workflow.models import Channel

from . import actions, rules
from .models import LegalAidCase

router = Router(tags=["legal aid"])


class CriterionOut(Schema):
    criterion: str
    result: str
    note: str


class AidOut(Schema):
    number: str
    process: str
    path: str
    state: str
    state_label: str
    applicant_name: str
    applicant_id_masked: str
    applicant_phone_masked: str
    employer_name: str
    employer_uscc: str
    dispute_type: str
    matter: str
    amount_claimed: Money | None
    applied_on: dt.date
    opened_at: dt.datetime
    due_at: dt.datetime | None
    closed_at: dt.datetime | None
    firm: str | None
    lawyer: str | None

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_process(obj) -> str:
        return obj.case.process

    @staticmethod
    def resolve_state(obj) -> str:
        return obj.case.state

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.case.state_label()

    @staticmethod
    def resolve_opened_at(obj):
        return obj.case.opened_at

    @staticmethod
    def resolve_due_at(obj):
        return obj.case.due_at

    @staticmethod
    def resolve_closed_at(obj):
        return obj.case.closed_at

    @staticmethod
    def resolve_firm(obj) -> str | None:
        return obj.firm.name if obj.firm_id else None

    @staticmethod
    def resolve_lawyer(obj) -> str | None:
        return obj.lawyer.name if obj.lawyer_id else None


class AidDetailOut(AidOut):
    outcome: str
    override_outcome: str
    override_reason: str
    criteria: list[CriterionOut]
    conflict_flags: list[dict]
    conflict_reason: str
    refusal_reasons: str
    result: str
    result_summary: str
    amount_recovered: Money | None

    @staticmethod
    def resolve_outcome(obj) -> str:
        return rules.outcome_of(obj)

    @staticmethod
    def resolve_criteria(obj) -> list:
        return list(obj.criteria.all())


class IntakeIn(Schema):
    applicant_name: str = Field(max_length=60)
    id_number: str = ""
    applicant_phone: str = ""
    employer_name: str = Field(max_length=100)
    employer_uscc: str = ""
    dispute_type: DisputeType
    matter: str
    amount_claimed: Money | None = None
    applied_on: dt.date | None = None
    channel: str = "window"


class AidFilter(Schema):
    state: str | None = Field(None, description="A state code, or 'open'")
    path: str | None = Field(None, description="'down' or 'up'")
    q: str | None = Field(None, description="Start of the case number, or part of the applicant's or employer's name")


def _qs(request):
    return scope_of(request.user).filter(
        LegalAidCase.objects.select_related("case", "firm", "lawyer").order_by("-case__opened_at"))


@router.get("/cases", response=list[AidOut], summary="Legal-aid cases in my scope (a lawyer: their own)")
@paginate(Pagination)
@scoped_view
def list_cases(request, filters: Query[AidFilter]):
    qs = _qs(request)
    if filters.state == "open":
        qs = qs.filter(case__closed_at__isnull=True)
    elif filters.state:
        qs = qs.filter(case__state=filters.state)
    if filters.path:
        qs = qs.filter(path=filters.path)
    if filters.q:
        qs = qs.filter(prefix_q("case__number", filters.q.upper()) | Q(applicant_name__contains=filters.q)
                       | Q(employer_name__contains=filters.q))
    return qs


@router.get("/cases/{number}", response=AidDetailOut, summary="One legal-aid case with its eligibility screen")
@scoped_view
def get_case(request, number: str):
    return scope_of(request.user).get_object_or_404(_qs(request), case__number=number)


@router.post("/cases", response={201: AidDetailOut}, summary="Register an application (level 1: down; station: up)")
@scoped_view
def intake(request, payload: IntakeIn):
    from .views import _may_intake

    if not _may_intake(request.user):
        raise PermissionDenied(_("Legal-aid applications are received at the city center (level 1), a district or "
                               "industry center (level 2) or a station (level 3)."))
    data = payload.dict()
    channel = data.pop("channel") or "window"
    if channel not in Channel.values:
        raise HttpError(400, _("Channel must be one of: %(values)s.") % {"values": ", ".join(Channel.values)})
    case = actions.intake(actor=request.user, data=data, channel=channel)
    return Status(201, LegalAidCase.objects.select_related("case", "firm", "lawyer").get(case=case))
