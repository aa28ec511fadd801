"""The statistics over the API: the same tables as the page, for the caller's scope and a period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Query, Router, Schema
from ninja.errors import HttpError

from unionserve.core import roles
from unionserve.core.api import require_perm
from unionserve.core.scope import scoped_view

from . import stats
from .forms import PeriodForm

router = Router(tags=["legal statistics"])


class PeriodIn(Schema):
    start: dt.date | None = None
    end: dt.date | None = None


class TableOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[list[str | int | Decimal | None]]
    note: str
    available: bool


class StatisticsOut(Schema):
    start: dt.date
    end: dt.date
    tables: list[TableOut]


@router.get("/", response=StatisticsOut, summary="Mediation and legal-aid figures for my scope and a period")
@scoped_view
def statistics(request, period: Query[PeriodIn]):
    require_perm(request, roles.VIEW_LEGAL_STATS)
    form = PeriodForm({k: v.isoformat() for k, v in period.dict().items() if v is not None})
    if not form.is_valid():
        raise HttpError(400, " ".join(str(e) for errors in form.errors.values() for e in errors))
    chosen = form.period()
    tables = stats.build(request.user, chosen)
    return {"start": chosen.start, "end": chosen.end,
            "tables": [{"key": t.key, "title": str(t.title), "columns": [str(c) for c in t.columns],
                        "rows": t.rows, "note": str(t.note), "available": t.available} for t in tables]}
