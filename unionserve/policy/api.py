"""Policy parameters over the API: the list with the values in force, and one parameter's history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema
from ninja.errors import HttpError

from unionserve.core import roles
from unionserve.core.api import require_perm
from unionserve.core.scope import scope_exempt

from . import service
from .models import PolicyVersion
from .registry import parameter, parameters

router = Router(tags=["policy"])
EXEMPT = "policy numbers are city-wide configuration, not data of a unit"


class ParameterOut(Schema):
    key: str
    kind: str
    unit: str
    label: str
    source: str
    default: Decimal
    value: Decimal
    version: int
    effective_from: dt.date
    version_source: str


class VersionOut(Schema):
    version: int
    value: Decimal
    effective_from: dt.date
    status: str
    source: str
    reason: str
    proposed_by: str | None
    proposed_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str


def _out(p, on: dt.date | None) -> dict:
    v = service.value(p.key, on)
    return {"key": p.key, "kind": p.kind, "unit": p.unit, "label": str(p.label), "source": p.source,
            "default": p.default, "value": Decimal(v.value), "version": v.version,
            "effective_from": v.effective_from, "version_source": v.source}


@router.get("/parameters", response=list[ParameterOut])
@scope_exempt(reason=EXEMPT)
def list_parameters(request, on: dt.date | None = None):
    """Every parameter with the value in force on `on` (default today)."""
    require_perm(request, roles.VIEW_POLICY)
    return [_out(p, on) for p in parameters()]


@router.get("/parameters/{key}", response=ParameterOut)
@scope_exempt(reason=EXEMPT)
def get_parameter(request, key: str, on: dt.date | None = None):
    """One parameter with the value in force on `on` (default today)."""
    require_perm(request, roles.VIEW_POLICY)
    try:
        return _out(parameter(key), on)
    except KeyError:
        raise HttpError(404, "unknown parameter") from None


@router.get("/parameters/{key}/history", response=list[VersionOut])
@scope_exempt(reason=EXEMPT)
def history(request, key: str):
    """Every version of a parameter, newest first: proposals, approvals, rejections, withdrawals."""
    require_perm(request, roles.VIEW_POLICY)
    try:
        parameter(key)
    except KeyError:
        raise HttpError(404, "unknown parameter") from None
    service.ensure_defaults([key])
    rows = PolicyVersion.objects.filter(key=key).select_related("proposed_by", "decided_by")
    return [{"version": v.version, "value": v.value, "effective_from": v.effective_from, "status": v.status,
             "source": v.source, "reason": v.reason,
             "proposed_by": v.proposed_by.get_username() if v.proposed_by else None, "proposed_at": v.proposed_at,
             "decided_by": v.decided_by.get_username() if v.decided_by else None, "decided_at": v.decided_at,
             "decision_note": v.decision_note} for v in rows]
