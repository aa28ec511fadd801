"""The statistics page of the 12351 platform and its Excel export (VIEW_HOTLINE_STATS, scoped)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from unionserve.accounts.http import AuthenticatedHttpRequest
from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core import roles
from unionserve.core.scope import scope_of, scoped_view
from unionserve.hotline.models import Channel, Kind
from unionserve.orgs.models import OrgUnit

from . import export as xlsx
from . import rates
from .forms import PeriodForm, initial_period


def _unit(request: AuthenticatedHttpRequest) -> OrgUnit:
    scope = scope_of(request.user)
    unit_id = request.GET.get("unit") or request.user.org_unit_id
    if unit_id:
        return scope.get_object_or_404(OrgUnit.objects.all(), pk=unit_id if str(unit_id).isdigit() else 0)
    # A superuser without a unit: the root of the tree.
    unit = scope.filter(OrgUnit.objects.filter(region_parent__isnull=True, industry_parent__isnull=True)).order_by(
        "pk").first()
    if unit is None:
        raise PermissionDenied
    return unit


def _figures(request: AuthenticatedHttpRequest) -> dict:
    form = PeriodForm(request.GET if "start" in request.GET else None, initial=initial_period())
    period = form.period()
    rank = form.rank_key()
    unit = _unit(request)
    user = request.user
    vectors = rates.unit_vectors(user, period)
    children = list(rates.children_of(user, unit).order_by("kind", "code"))
    own, *rows = rates.roll_up([unit, *children], vectors)
    rows = rates.ranked([r for r in rows if r.assignments], rank) + [r for r in rows if not r.assignments]
    return {"form": form, "period": period, "rank": rank, "unit": unit, "own": own, "rows": rows,
            "volumes": rates.volumes(user, period)}


@scoped_view
@permission_required(roles.VIEW_HOTLINE_STATS, raise_exception=True)
@require_GET
def statistics(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Volumes, on-time feedback and the three rates of the user's unit (or one below it) and the units below."""
    ctx = _figures(request)
    volumes, unit = ctx["volumes"], ctx["unit"]
    scope = scope_of(request.user)
    parents = [p for p in (unit.region_parent, unit.industry_parent) if p is not None and scope.contains_unit(p)]
    definitions = {d.key: d for d in rates.DEFINITIONS}
    chart = {
        "days": [d.isoformat() for d, _c, _a in volumes.by_day],
        "consultations": [c for _d, c, _a in volumes.by_day],
        "affairs": [a for _d, _c, a in volumes.by_day],
        "units": [r.unit.name for r in ctx["rows"] if r.assignments],
        "rates": {k: [_num(r.rate(k).percent) for r in ctx["rows"] if r.assignments] for k in rates.RATE_KEYS},
        "rate_keys": list(rates.RATE_KEYS),
        "labels": {**{k: str(d.label) for k, d in definitions.items()},
                   "consultations": _("Consultations"), "affairs": _("Affairs")},
    }
    ctx.update(
        parents=parents, own_rates=list(zip(rates.DEFINITIONS, ctx["own"].rates, strict=True)),
        definitions=rates.DEFINITIONS, chart=chart, rank_definition=definitions[ctx["rank"]],
        by_kind=[(Kind(k).label, n) for k, n in sorted(volumes.by_kind.items())],
        by_channel=[(Channel(c).label, n) for c, n in sorted(volumes.by_channel.items())],
        query=request.GET.urlencode(),
    )
    return render(request, "hotline/statistics/index.html", ctx)


def _num(value) -> float | None:
    # The chart only: a float draws a bar; every figure shown as text stays Decimal.
    return None if value is None else float(value)


@scoped_view
@permission_required(roles.VIEW_HOTLINE_STATS, raise_exception=True)
@require_GET
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The page's figures as an Excel workbook; the export is recorded in the audit log."""
    ctx = _figures(request)
    period, unit = ctx["period"], ctx["unit"]
    body = xlsx.workbook(unit_name=unit.name, period=period, volumes=ctx["volumes"], own=ctx["own"],
                         rows=ctx["rows"])
    with transaction.atomic():
        record(AuditAction.STATISTICS_EXPORTED, request=request, unit=unit,
               detail={"report": "hotline", "unit": unit.code, "start": period.start.isoformat(),
                       "end": period.end.isoformat()})
    name = f"12351统计_{unit.name}_{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
