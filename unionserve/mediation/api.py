"""Mediation over the API: receive an application, list and read cases (scoped). Actions on a case go through
the engine's API (`POST /api/work/cases/{number}/actions/{action}`)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from unionserve.core.api import Id, Pagination
from unionserve.core.money import Money
from unionserve.core.scope import scope_of, scoped_view
from unionserve.core.vocab import DisputeType
from unionserve.workflow.registry import registry

from . import intake
from .models import MediationCase

router = Router(tags=["mediation"])


class WorkerIn(Schema):
    name: str = Field(..., min_length=1, max_length=60)
    #: The member's ID number (links the register); never stored in clear by mediation.
    id_number: str = ""
    member_id: Id | None = None


class ClaimIn(Schema):
    item: str = Field(..., min_length=1, max_length=200)
    amount: Money | None = None


class IntakeIn(Schema):
    dispute_type: DisputeType
    summary: str = Field(..., min_length=1)
    workers: list[WorkerIn] = Field(..., min_length=1)
    employer_uscc: str = ""
    employer_name: str = ""
    claims: list[ClaimIn] = []
    channel: str = "window"
    comment: str = ""


class PartyOut(Schema):
    name: str
    member_id: int | None


class ClaimOut(Schema):
    item: str
    amount: Money | None


class MediationOut(Schema):
    number: str
    title: str
    state: str
    state_label: str
    path: str
    dispute_type: str
    employer_name: str
    employer_id: int | None
    handling_unit: str | None
    mediator: str | None
    opened_at: dt.datetime
    due_at: dt.datetime | None
    closed_at: dt.datetime | None
    outcome: str
    amount_recovered: Money | None
    version: int

    @staticmethod
    def resolve_number(obj: MediationCase) -> str:
        return obj.case.number

    @staticmethod
    def resolve_title(obj: MediationCase) -> str:
        return obj.case.title

    @staticmethod
    def resolve_state(obj: MediationCase) -> str:
        return obj.case.state

    @staticmethod
    def resolve_state_label(obj: MediationCase) -> str:
        return obj.case.state_label()

    @staticmethod
    def resolve_handling_unit(obj: MediationCase) -> str | None:
        return obj.case.current_unit.name if obj.case.current_unit else None

    @staticmethod
    def resolve_mediator(obj: MediationCase) -> str | None:
        return obj.mediator.name if obj.mediator else None

    @staticmethod
    def resolve_opened_at(obj: MediationCase) -> dt.datetime:
        return obj.case.opened_at

    @staticmethod
    def resolve_due_at(obj: MediationCase) -> dt.datetime | None:
        return obj.case.due_at

    @staticmethod
    def resolve_closed_at(obj: MediationCase) -> dt.datetime | None:
        return obj.case.closed_at

    @staticmethod
    def resolve_version(obj: MediationCase) -> int:
        return obj.case.version  # the version the engine's action API expects


class MediationDetailOut(MediationOut):
    summary: str
    parties: list[PartyOut]
    claims: list[ClaimOut]
    plan: str
    outcome_text: str
    documents: list[dict]

    @staticmethod
    def resolve_parties(obj: MediationCase) -> list:
        return [{"name": p.name, "member_id": p.member_id} for p in obj.parties.all()]

    @staticmethod
    def resolve_claims(obj: MediationCase) -> list:
        return [{"item": c.item, "amount": c.amount} for c in obj.claims.all()]

    @staticmethod
    def resolve_documents(obj: MediationCase) -> list:
        return [{"id": d.pk, "title": d.title, "template": d.template_code, "created_at": d.created_at.isoformat()}
                for d in obj.case.documents.all()]


class CaseQuery(Schema):
    state: str | None = None
    open: bool | None = None
    path: str | None = None


def _qs(request):
    return scope_of(request.user).filter(MediationCase.objects.select_related("case", "case__current_unit",
                                                                               "mediator"))


@router.post("/cases", response={201: MediationDetailOut}, summary="Receive a mediation application")
@scoped_view
def create_case(request, payload: IntakeIn):
    opening = registry.get("mediation").opening
    unit = request.user.org_unit
    if unit is None or unit.level not in opening.levels or not any(r in opening.roles for r in request.user.role_names):
        raise PermissionDenied(_("Your roles do not include receiving mediation applications."))
    data = payload.dict()
    channel, comment = data.pop("channel"), data.pop("comment")
    data["dispute_type"] = str(payload.dispute_type.value)
    case = intake.open_mediation(request.user, data=data, channel=channel if channel in ("window", "phone", "web")
                                 else "window", comment=comment)
    return 201, get_object_or_404(_qs(request), case=case)


@router.get("/cases", response=list[MediationOut], summary="List mediation cases in my scope")
@paginate(Pagination)
@scoped_view
def list_cases(request, filters: Query[CaseQuery]):
    qs = _qs(request).order_by("-case__opened_at")
    if filters.state:
        qs = qs.filter(case__state=filters.state)
    if filters.open is not None:
        qs = qs.filter(case__closed_at__isnull=filters.open)
    if filters.path:
        qs = qs.filter(path=filters.path)
    return qs


@router.get("/cases/{number}", response=MediationDetailOut, summary="One mediation case")
@scoped_view
def get_case(request, number: str):
    return get_object_or_404(_qs(request).prefetch_related("parties", "claims", "case__documents"),
                             case__number=number)
