"""The statistics page of mediation and legal aid, its charts and its Excel export."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.shortcuts import render
from django.views.decorators.http import require_GET

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core import roles
from unionserve.core.scope import scoped_view

from . import export as excel
from . import stats
from .forms import PeriodForm


def _charts(tables: dict[str, stats.Table]) -> dict:
    """Chart data taken from the tables shown under them (the tables are the accessible version)."""
    path, summary = tables["path"], tables["summary"]
    return {
        "path": {"categories": path.columns[1:-1],
                 "series": [{"name": row[0], "data": row[1:-1]} for row in path.rows]},
        "summary": {"categories": [row[0] for row in summary.rows],
                    "series": [{"name": str(summary.columns[i]), "data": [row[i] for row in summary.rows]}
                               for i in (1, 2)]},
    }


@scoped_view
@permission_required(roles.VIEW_LEGAL_STATS, raise_exception=True)
@require_GET
def index(request):
    form = PeriodForm(request.GET or None)
    period = form.period()
    tables = stats.build(request.user, period)
    by_key = {t.key: t for t in tables}
    return render(request, "legalreports/index.html", {
        "form": form, "period": period, "tables": tables, "t": by_key, "charts": _charts(by_key),
        "unit": request.user.org_unit, "query": request.GET.urlencode(),
    }, status=400 if form.is_bound and not form.is_valid() else 200)


@scoped_view
@permission_required(roles.VIEW_LEGAL_STATS, raise_exception=True)
@require_GET
def export(request):
    form = PeriodForm(request.GET or None)
    period = form.period()
    tables = stats.build(request.user, period)
    unit_name = request.user.org_unit.name if request.user.org_unit_id else ""
    with transaction.atomic():
        record(AuditAction.STATISTICS_EXPORTED, request=request, unit=request.user.org_unit,
               detail={"report": "legal", "start": period.start.isoformat(), "end": period.end.isoformat()})
    return excel.response(tables, period, unit_name)
