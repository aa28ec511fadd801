"""Six-party linkage over the API: partners, referrals (scoped through their case), refer, receive, outcome."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from unionserve.core import roles
from unionserve.core.api import Id, Pagination, Version, require_perm
from unionserve.core.money import Money
from unionserve.core.scope import scope_of, scoped_view
from unionserve.workflow.models import Case

from . import actions
from .models import PartnerBody, Referral

router = Router(tags=["linkage"])


class PartnerOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    unit: str
    contact_person: str
    phone: str
    active: bool
    version: int

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code


class ReferralOut(Schema):
    id: int
    case: str | None
    unit: str
    direction: str
    partner_id: int
    partner: str
    referred_on: dt.date
    reason: str
    contact: str
    status: str
    outcome: str
    outcome_on: dt.date | None
    amount: Money | None
    version: int

    @staticmethod
    def resolve_case(obj) -> str | None:
        return obj.case.number if obj.case_id else None

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_partner(obj) -> str:
        return obj.partner.name


class ReferIn(Schema):
    partner_id: Id
    referred_on: dt.date
    reason: str
    contact: str = ""


class IncomingIn(ReferIn):
    case: str | None = None
    #: Open a case of this process for it (e.g. "mediation", "legalaid") with `title` and its opening `data`.
    open_process: str | None = None
    title: str = ""
    subject_name: str = ""
    data: dict = {}


class OutcomeIn(Schema):
    version: Version
    status: str
    outcome: str = ""
    outcome_on: dt.date | None = None
    amount: Money | None = None


def _referrals(request):
    return scope_of(request.user).filter(Referral.objects.select_related("case", "unit", "partner"))


def _partner(request, pk: int) -> PartnerBody:
    partner = actions.visible_partners(request.user).filter(pk=pk).first()
    if partner is None:
        raise ValidationError(_("partner_id: no partner %(id)s of your area or the levels above it.") % {"id": pk})
    return partner


def _case(request, number: str) -> Case:
    return scope_of(request.user).get_object_or_404(Case.objects.all(), number=number)


@router.get("/partners", response=list[PartnerOut], summary="Partner bodies of my area and the levels above")
@paginate(Pagination)
@scoped_view
def list_partners(request, kind: str | None = None):
    require_perm(request, roles.REFER_CASES)
    qs = actions.visible_partners(request.user).select_related("unit")
    return (qs.filter(kind=kind) if kind else qs).order_by("unit__code", "kind", "name")


@router.get("/referrals", response=list[ReferralOut], summary="Referrals in my scope (through their case)")
@paginate(Pagination)
@scoped_view
def list_referrals(request, status: str | None = None, direction: str | None = None, case: str | None = None):
    require_perm(request, roles.REFER_CASES)
    qs = _referrals(request)
    if status:
        qs = qs.filter(status=status)
    if direction:
        qs = qs.filter(direction=direction)
    if case:
        qs = qs.filter(case__number=case)
    return qs.order_by("-referred_on", "-id")


@router.get("/referrals/{pk}", response=ReferralOut, summary="One referral")
@scoped_view
def get_referral(request, pk: Id):
    require_perm(request, roles.REFER_CASES)
    return scope_of(request.user).get_object_or_404(_referrals(request), pk=pk)


@router.post("/cases/{number}/referrals", response={201: ReferralOut}, summary="Refer a case to a partner")
@scoped_view
def refer(request, number: str, payload: ReferIn):
    require_perm(request, roles.REFER_CASES)
    case = _case(request, number)
    referral = actions.refer_case(case, acting_user=request.user, partner=_partner(request, payload.partner_id),
                                  referred_on=payload.referred_on, reason=payload.reason, contact=payload.contact)
    return Status(201, referral)


@router.post("/received", response={201: ReferralOut},
             summary="Record a referral received from a partner (optionally opening a case for it)")
@scoped_view
def incoming(request, payload: IncomingIn):
    require_perm(request, roles.REFER_CASES)
    common: dict[str, Any] = {"partner": _partner(request, payload.partner_id), "referred_on": payload.referred_on,
              "reason": payload.reason, "contact": payload.contact}
    if payload.open_process:
        if payload.open_process not in {d.code for d in _openable(request.user)}:
            raise ValidationError(_("open_process: you cannot open %(process)s cases.") % {
                "process": payload.open_process})
        referral = actions.receive_and_open(acting_user=request.user, process=payload.open_process,
                                            title=payload.title, subject_name=payload.subject_name,
                                            opening_data=payload.data, **common)
    else:
        case = _case(request, payload.case) if payload.case else None
        referral = actions.receive_referral(acting_user=request.user, case=case, **common)
    return Status(201, referral)


def _openable(user):
    from .views import openable_processes

    return openable_processes(user)


@router.post("/referrals/{pk}/outcome", response=ReferralOut,
             summary="Record the outcome (409 when someone changed the referral since `version`)")
@scoped_view
def outcome(request, pk: Id, payload: OutcomeIn):
    require_perm(request, roles.REFER_CASES)
    referral = scope_of(request.user).get_object_or_404(_referrals(request), pk=pk)
    return actions.record_outcome(referral, acting_user=request.user, version=payload.version,
                                  status=payload.status, outcome=payload.outcome, outcome_on=payload.outcome_on,
                                  amount=payload.amount)
