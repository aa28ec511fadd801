"""The figures of mediation and legal aid, aggregated in SQL (GROUP BY) over the user's scope.

Every figure reads cases through `scope_of(user)` on `workflow.Case` (a district sees its subtree; a case
counts where any unit taking part in it is in scope), and the process apps' rows through their case.
A period is a range of local (Asia/Shanghai) calendar days, both ends included.

What counts where (also shown on the page):
- opened: cases opened in the period; path and level are the engine's facts about them;
- concluded: cases closed in the period (any final state); the time to conclude is closed − opened,
  in calendar days;
- mediation outcomes, success rate, money and mediators: mediations concluded (agreement or termination
  recorded) in the period; success rate = agreements ÷ (agreements + terminations);
- legal-aid results, money and firms: case files reported in the period;
- overdue: steps the deadline sweep marked overdue in the period;
- consultations: 12351 consultations in the legal categories received in the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.apps import apps
from django.db.models import (
    Avg,
    CharField,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models import Case as Choose
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from unionserve.core.scope import scope_of
from unionserve.workflow.models import AccessKind, Case, CaseAccess, Step
from unionserve.workflow.registry import registry

#: The process codes of each area (mediation: seed 000 §四.5; legal aid: §四.6, both paths).
GROUPS: dict[str, tuple[str, ...]] = {
    "mediation": ("mediation", "mediation_up"),
    "legalaid": ("legalaid", "legalaid_up"),
}
GROUP_LABELS = {"mediation": gettext_lazy("Mediation"), "legalaid": gettext_lazy("Legal aid")}
ALL_CODES = tuple(c for codes in GROUPS.values() for c in codes)
PATH_LABELS = {
    "down": gettext_lazy("Down: received at level 1 and dispatched"),
    "local": gettext_lazy("Received at level 2"),
    "up": gettext_lazy("Up: received at level 3 and reported up"),
}
#: 12351 request categories whose consultations count as legal consultations (their children included).
LEGAL_CATEGORIES = ("FLYZ", "LDGX")
ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=16, decimal_places=2)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start 00:00, day after end 00:00) in local time."""
        tz = timezone.get_current_timezone()
        return (dt.datetime.combine(self.start, dt.time.min, tz),
                dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tz))

    def q(self, field_name: str) -> Q:
        lo, hi = self.bounds()
        return Q(**{f"{field_name}__gte": lo, f"{field_name}__lt": hi})


@dataclass
class Table:
    """One table of figures: shown on the page (with its chart, if any) and written as one Excel sheet."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""
    available: bool = True


def _area() -> str:
    """The first column's header: mediation or legal aid ("Area" alone is already a sample check's scope)."""
    return pgettext("legal statistics", "Area")


def _group_expr() -> Choose:
    return Choose(*[When(process__in=codes, then=Value(g)) for g, codes in GROUPS.items()],
                 default=Value("other"), output_field=CharField())


def _path_expr(prefix: str = "") -> Choose:
    level = f"{prefix}owner_unit__level"
    return Choose(When(**{level: 1}, then=Value("down")), When(**{level: 2}, then=Value("local")),
                 default=Value("up"), output_field=CharField())


def _days(value: dt.timedelta | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.total_seconds()) / Decimal(86400)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def rate(numerator: int, denominator: int) -> Decimal | None:
    """numerator ÷ denominator in percent, one decimal (half up); None without a denominator."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def scoped_cases(user) -> QuerySet[Case]:
    """Mediation and legal-aid cases the user may read."""
    return scope_of(user).filter(Case.objects.filter(process__in=ALL_CODES))


def median_duration(qs: QuerySet, expr) -> dt.timedelta | None:
    """The median of `expr` over `qs`, read in SQL: the count, then the middle one or two rows in order."""
    qs = qs.annotate(_d=expr).order_by("_d")
    n = qs.count()
    if not n:
        return None
    middle = list(qs.values_list("_d", flat=True)[(n - 1) // 2: n // 2 + 1])
    return sum(middle, dt.timedelta()) / len(middle)


def _group_rows(counts: dict[str, int]) -> list[list[Any]]:
    return [[str(GROUP_LABELS[g]), counts.get(g, 0)] for g in GROUPS]


def build(user, period: Period) -> list[Table]:
    """All tables for `user`'s scope and `period`."""
    cases = scoped_cases(user)
    opened = cases.filter(period.q("opened_at"))
    closed = cases.filter(period.q("closed_at"))
    tables = [
        consultations(user, period),
        summary(cases, opened, closed, period),
        by_path(opened),
        by_level(opened),
        outcomes(closed),
        mediation_outcomes(cases, period),
        legalaid_results(cases, period),
        overdue(cases, period),
        money(user, cases, period),
        per_mediator(cases, period),
        per_firm(cases, period),
    ]
    return tables


def consultations(user, period: Period) -> Table:
    table = Table("consultations", _("Legal consultations (12351)"), [_("Category"), _("Consultations")],
                  note=_("12351 consultations in the categories 法律援助 and 劳动关系 (and their sub-categories), "
                         "received in the period."))
    model = _model("hotline.HotlineRequest")
    if model is None:
        table.available = False
        return table
    in_scope = scope_of(user).filter(Case.objects.all()).values("pk")
    legal = Q(category__code__in=LEGAL_CATEGORIES) | Q(category__parent__code__in=LEGAL_CATEGORIES)
    rows = (model.objects.filter(legal, period.q("received_at"), kind="consultation", case__in=in_scope)
            .annotate(top=Coalesce("category__parent__name", "category__name"))
            .values("top").annotate(n=Count("pk")).order_by("top"))
    table.rows = [[r["top"], r["n"]] for r in rows]
    table.rows.append([_("Total"), sum(r[1] for r in table.rows)])
    return table


def summary(cases: QuerySet, opened: QuerySet, closed: QuerySet, period: Period) -> Table:
    table = Table("summary", _("Summary"), [
        _area(), _("Opened"), _("Concluded"), _("Median days to conclude"), _("Average days to conclude"),
        _("Overdue steps")],
        note=_("Concluded: closed in the period, in any final state. Days to conclude: from opening to closing, "
               "in calendar days."))
    o = dict(opened.annotate(g=_group_expr()).values("g").annotate(n=Count("pk")).values_list("g", "n"))
    duration = ExpressionWrapper(F("closed_at") - F("opened_at"), output_field=DurationField())
    c = {r["g"]: r for r in closed.annotate(g=_group_expr(), d=duration).values("g")
         .annotate(n=Count("pk"), avg=Avg("d"))}
    steps = dict(Step.objects.filter(case__in=cases.values("pk"), overdue=True).filter(period.q("overdue_at"))
                 .annotate(g=_group_expr()).values("g").annotate(n=Count("pk")).values_list("g", "n"))
    for g, codes in GROUPS.items():
        med = median_duration(closed.filter(process__in=codes), duration)
        row = c.get(g, {})
        table.rows.append([str(GROUP_LABELS[g]), o.get(g, 0), row.get("n", 0), _days(med), _days(row.get("avg")),
                           steps.get(g, 0)])
    return table


def by_path(opened: QuerySet) -> Table:
    table = Table("path", _("Cases opened, by path"), [_area(), *[str(v) for v in PATH_LABELS.values()],
                                                        _("Total")],
                  note=_("The path follows the level of the unit that received the case (seed 000 §四.5–6)."))
    found = {(r["g"], r["p"]): r["n"] for r in opened.annotate(g=_group_expr(), p=_path_expr())
             .values("g", "p").annotate(n=Count("pk"))}
    for g in GROUPS:
        counts = [found.get((g, p), 0) for p in PATH_LABELS]
        table.rows.append([str(GROUP_LABELS[g]), *counts, sum(counts)])
    return table


def by_level(opened: QuerySet) -> Table:
    table = Table("level", _("Cases opened, by the levels that handled them"),
                  [_area(), _("Level 1"), _("Level 2"), _("Level 3")],
                  note=_("A case handled at two levels counts at both."))
    rows = (CaseAccess.objects.filter(case__in=opened.values("pk"), kind=AccessKind.HANDLER)
            .annotate(g=Choose(*[When(case__process__in=codes, then=Value(g)) for g, codes in GROUPS.items()],
                              default=Value("other"), output_field=CharField()))
            .values("g", "unit__level").annotate(n=Count("case", distinct=True)))
    found = {(r["g"], r["unit__level"]): r["n"] for r in rows}
    for g in GROUPS:
        table.rows.append([str(GROUP_LABELS[g]), *[found.get((g, lvl), 0) for lvl in (1, 2, 3)]])
    return table


def _state_label(code: str, process: str) -> str:
    try:
        return str(registry.get(process).state(code).label)
    except KeyError:
        return code


def outcomes(closed: QuerySet) -> Table:
    table = Table("outcomes", _("Cases concluded, by final state"), [_area(), _("Final state"), _("Cases")])
    rows = (closed.annotate(g=_group_expr()).values("g", "process", "state").annotate(n=Count("pk"))
            .order_by("g", "process", "state"))
    merged: dict[tuple[str, str], int] = {}
    for r in rows:  # a few aggregated rows: the two legal-aid paths share their final states' labels
        key = (str(GROUP_LABELS.get(r["g"], r["g"])), _state_label(r["state"], r["process"]))
        merged[key] = merged.get(key, 0) + r["n"]
    table.rows = [[g, label, n] for (g, label), n in merged.items()]
    return table


def mediation_outcomes(cases: QuerySet, period: Period) -> Table:
    table = Table("mediation_outcomes", _("Mediation outcomes and success rate"),
                  [_("Agreements"), _("Terminated without agreement"), _("Not accepted"), _("Success rate (%)")],
                  note=_("Mediations concluded in the period. Success rate = agreements ÷ (agreements + mediations "
                         "ended without agreement); cases not accepted are not mediations and are left out."))
    model = _model("mediation.MediationCase")
    if model is None:
        table.available = False
        return table
    found = dict(model.objects.filter(case__in=cases.values("pk")).filter(period.q("concluded_at"))
                 .values("outcome").annotate(n=Count("pk")).values_list("outcome", "n"))
    agreed, ended, refused = found.get("agreed", 0), found.get("terminated", 0), found.get("not_accepted", 0)
    table.rows.append([agreed, ended, refused, rate(agreed, agreed + ended)])
    return table


def legalaid_results(cases: QuerySet, period: Period) -> Table:
    table = Table("legalaid_results", _("Legal-aid results"), [_("Result"), _("Cases")],
                  note=_("Case files reported in the period."))
    model = _model("legalaid.LegalAidCase")
    if model is None:
        table.available = False
        return table
    labels = dict(model._meta.get_field("result").choices)
    found = dict(model.objects.filter(case__in=cases.values("pk")).filter(period.q("reported_at"))
                 .exclude(result="").values("result").annotate(n=Count("pk")).values_list("result", "n"))
    table.rows = [[str(label), found.get(code, 0)] for code, label in labels.items()]
    refused = cases.filter(period.q("closed_at"), state="refused").count()
    table.rows.append([_("Aid refused (closed in the period)"), refused])
    return table


def overdue(cases: QuerySet, period: Period) -> Table:
    table = Table("overdue", _("Overdue steps"), [_area(), _("Step"), _("Steps marked overdue"),
                                                   _("Cases concerned")],
                  note=_("Steps the deadline sweep marked overdue in the period."))
    rows = (Step.objects.filter(case__in=cases.values("pk"), overdue=True).filter(period.q("overdue_at"))
            .annotate(g=_group_expr()).values("g", "process", "state")
            .annotate(n=Count("pk"), c=Count("case", distinct=True)).order_by("g", "process", "state"))
    for r in rows:
        table.rows.append([str(GROUP_LABELS.get(r["g"], r["g"])), _state_label(r["state"], r["process"]), r["n"],
                           r["c"]])
    return table


def _sum(qs: QuerySet, name: str) -> Decimal:
    return qs.aggregate(s=Coalesce(Sum(name), Value(ZERO), output_field=MONEY))["s"]


def money(user, cases: QuerySet, period: Period) -> Table:
    table = Table("money", _("Money claimed and recovered (yuan)"), [_("Source"), _("Claimed"), _("Recovered")],
                  note=_("Mediation: claims and money recovered of mediations concluded in the period. Legal aid: "
                         "amount claimed and recovered of case files reported in the period. Partners: money "
                         "recovered through referrals concluded in the period."))
    mediation = _model("mediation.MediationCase")
    claim = _model("mediation.Claim")
    if mediation is not None and claim is not None:
        concluded = mediation.objects.filter(case__in=cases.values("pk")).filter(period.q("concluded_at"))
        table.rows.append([str(GROUP_LABELS["mediation"]),
                           _sum(claim.objects.filter(mediation__in=concluded.values("pk")), "amount"),
                           _sum(concluded, "amount_recovered")])
    aid = _model("legalaid.LegalAidCase")
    if aid is not None:
        reported = aid.objects.filter(case__in=cases.values("pk")).filter(period.q("reported_at"))
        table.rows.append([str(GROUP_LABELS["legalaid"]), _sum(reported, "amount_claimed"),
                           _sum(reported, "amount_recovered")])
    from unionserve.linkage.public import Referral, ReferralStatus

    lo, hi = period.start, period.end
    referrals = scope_of(user).filter(Referral.objects.filter(
        status=ReferralStatus.CONCLUDED, outcome_on__gte=lo, outcome_on__lte=hi, case__process__in=ALL_CODES))
    table.rows.append([_("Through partner referrals (六方联动)"), None, _sum(referrals, "amount")])
    return table


def per_mediator(cases: QuerySet, period: Period) -> Table:
    table = Table("mediators", _("Per mediator"), [
        _("Mediator"), _("Unit"), _("Concluded"), _("Agreements"), _("Success rate (%)"),
        _("Average days to conclude"), _("Claimed (yuan)"), _("Recovered (yuan)")],
        note=_("Mediations concluded in the period, by the mediator appointed."))
    mediation = _model("mediation.MediationCase")
    claim = _model("mediation.Claim")
    if mediation is None or claim is None:
        table.available = False
        return table
    concluded = mediation.objects.filter(case__in=cases.values("pk"), mediator__isnull=False).filter(
        period.q("concluded_at"))
    duration = ExpressionWrapper(F("concluded_at") - F("case__opened_at"), output_field=DurationField())
    rows = (concluded.values("mediator", "mediator__name", "mediator__unit__name")
            .annotate(n=Count("pk", filter=Q(outcome__in=("agreed", "terminated"))),
                      agreed=Count("pk", filter=Q(outcome="agreed")), avg=Avg(duration),
                      recovered=Coalesce(Sum("amount_recovered"), Value(ZERO), output_field=MONEY))
            .order_by("mediator__unit__name", "mediator__name"))
    claimed = dict(claim.objects.filter(mediation__in=concluded.values("pk")).values("mediation__mediator")
                   .annotate(s=Sum("amount")).values_list("mediation__mediator", "s"))
    for r in rows:
        table.rows.append([r["mediator__name"], r["mediator__unit__name"], r["n"], r["agreed"],
                           rate(r["agreed"], r["n"]), _days(r["avg"]), claimed.get(r["mediator"]) or ZERO,
                           r["recovered"]])
    return table


def per_firm(cases: QuerySet, period: Period) -> Table:
    table = Table("firms", _("Per law firm"), [
        _("Law firm"), _("Case files reported"), _("Won, partly won or settled"), _("Average days to report"),
        _("Claimed (yuan)"), _("Recovered (yuan)")],
        note=_("Legal-aid case files reported in the period, by the firm assigned."))
    aid = _model("legalaid.LegalAidCase")
    if aid is None:
        table.available = False
        return table
    duration = ExpressionWrapper(F("reported_at") - F("case__opened_at"), output_field=DurationField())
    rows = (aid.objects.filter(case__in=cases.values("pk"), firm__isnull=False).filter(period.q("reported_at"))
            .values("firm", "firm__name")
            .annotate(n=Count("pk"), good=Count("pk", filter=Q(result__in=("won", "partly", "settled"))),
                      avg=Avg(duration),
                      claimed=Coalesce(Sum("amount_claimed"), Value(ZERO), output_field=MONEY),
                      recovered=Coalesce(Sum("amount_recovered"), Value(ZERO), output_field=MONEY))
            .order_by("firm__name"))
    for r in rows:
        table.rows.append([r["firm__name"], r["n"], r["good"], _days(r["avg"]), r["claimed"], r["recovered"]])
    return table
