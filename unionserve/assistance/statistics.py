"""Assistance statistics in SQL, in the user's scope: grants by program, district and amount; files by level and
cause. One function computes the figures the page, its chart and its Excel export show."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core.export import xlsx_response
from unionserve.core.scope import scope_of

from .models import (
    EmergencyAid,
    HardshipCause,
    HardshipFile,
    HardshipLevel,
    Nomination,
    NominationStatus,
    ProgramKind,
    SkillApplication,
    SkillStatus,
)


def figures(user, *, year: int | None = None) -> dict[str, Any]:
    """Grants (programs, emergency, skills) and live hardship files, grouped, inside `user`'s scope."""
    scope = scope_of(user)
    noms = scope.filter(Nomination.objects.filter(status=NominationStatus.APPROVED))
    skills = scope.filter(SkillApplication.objects.filter(status=SkillStatus.APPROVED))
    aids = scope.filter(EmergencyAid.objects.filter(status="granted"))
    if year:
        noms, skills = noms.filter(program__year=year), skills.filter(applied_on__year=year)
        aids = aids.filter(applied_on__year=year)
    by_program = [{"label": str(ProgramKind(r["program__kind"]).label), "year": r["program__year"], "count": r["n"],
                   "amount": r["s"] or Decimal(0)}
                  for r in noms.values("program__kind", "program__year").annotate(
                      n=Count("pk"), s=Sum("program__amount")).order_by("program__year", "program__kind")]
    by_district = [{"label": r["district__name"], "count": r["n"], "amount": r["s"] or Decimal(0)}
                   for r in noms.values("district__name").annotate(n=Count("pk"), s=Sum("program__amount"))
                   .order_by("district__name")]
    others = [
        {"label": _("Emergency aid"), **_sum(aids, "amount_granted")},
        {"label": _("Skills boost"), **_sum(skills, "amount")},
    ]
    files = scope.filter(HardshipFile.objects.filter(status="approved"))
    by_level = [{"label": str(HardshipLevel(r["level"]).label), "count": r["n"]}
                for r in files.values("level").annotate(n=Count("pk")).order_by("level")]
    by_cause = [{"label": str(HardshipCause(r["cause"]).label), "count": r["n"]}
                for r in files.values("cause").annotate(n=Count("pk")).order_by("cause")]
    total = sum((r["amount"] for r in by_program), Decimal(0)) + sum((r["amount"] for r in others), Decimal(0))
    return {"by_program": by_program, "by_district": by_district, "others": others, "by_level": by_level,
            "by_cause": by_cause, "total": total, "year": year}


def _sum(qs, field: str) -> dict[str, Any]:
    row = qs.aggregate(n=Count("pk"), s=Sum(field))
    return {"count": row["n"], "amount": row["s"] or Decimal(0)}


def chart(f: dict[str, Any]) -> dict[str, Any]:
    """What the page's ECharts script draws (floats for the bars only; the tables keep Decimal)."""
    return {
        "grants": {"categories": [f"{r['year']} {r['label']}" for r in f["by_program"]] + [str(r["label"]) for r in
                                                                                              f["others"]],
                   "series": [{"name": _("Amount (yuan)"), "data": [float(r["amount"]) for r in f["by_program"]]
                               + [float(r["amount"]) for r in f["others"]]}]},
        "districts": {"categories": [r["label"] for r in f["by_district"]],
                      "series": [{"name": _("Amount (yuan)"), "data": [float(r["amount"]) for r in f["by_district"]]}]},
        "files": {"categories": [str(r["label"]) for r in f["by_cause"]],
                  "series": [{"name": _("Files in force"), "data": [r["count"] for r in f["by_cause"]]}]},
    }


def export(f: dict[str, Any], *, request):
    """The figures as one Excel sheet (a section per table); recorded in the audit log."""
    rows: list[list[Any]] = []
    for title, items, amount in ((_("Grants by program"), f["by_program"], True),
                                 (_("Other grants"), f["others"], True),
                                 (_("Grants by district"), f["by_district"], True),
                                 (_("Files in force by level"), f["by_level"], False),
                                 (_("Files in force by cause"), f["by_cause"], False)):
        rows.append([title, "", ""])
        for r in items:
            label = f"{r['year']} {r['label']}" if "year" in r else str(r["label"])
            rows.append([label, r["count"], str(r["amount"]) if amount else ""])
    with transaction.atomic():
        record(AuditAction.STATISTICS_EXPORTED, request=request, detail={"report": "assistance",
                                                                          "year": f["year"] or ""})
    return xlsx_response(filename="assistance-statistics", title=_("Assistance statistics"),
                         headers=[_("Item"), _("Count"), _("Amount (yuan)")], rows=rows)
