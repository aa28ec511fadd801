"""The rules of legal aid as small functions: eligibility criteria and outcome, firms that may take a case,
workload against capacity, and the conflict check before assignment."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionserve.core import tree
from unionserve.core.text import StrOrPromise

from .models import Contract, Engagement, LawFirm, Lawyer, LegalAidCase, Outcome, Result, Side

#: States in which a firm is acting on a case: what counts against a contract's capacity.
ACTIVE_STATES = ("representing",)


@dataclass(frozen=True)
class Criterion:
    code: str
    label: StrOrPromise
    help: StrOrPromise = ""


# seed 000 §四.6 says "符合援助条件"; the conditions are those of the ACFTU's 工会法律援助办法 (2008) art. 8–10
# and Beijing practice: a member or worker, a labor matter, hardship (not examined for unpaid wages and work
# injury), merit, no other agent, within the limitation period.
CRITERIA: tuple[Criterion, ...] = (
    Criterion("member_or_worker", _("The applicant is a union member, or a worker employed in Beijing"),
              _("Check the member register, the card or the labor contract.")),
    Criterion("labor_matter", _("The dispute is a labor matter (labor relations, pay, social insurance, "
                                "work injury)")),
    Criterion("hardship", _("The applicant cannot afford a lawyer, or the claim is for unpaid wages or "
                            "work-injury compensation (hardship not examined)")),
    Criterion("merit", _("The claim has a factual and legal basis (not frivolous)")),
    Criterion("not_represented", _("The applicant has no other lawyer or agent in this matter")),
    Criterion("limitation", _("The claim is within the limitation period (labor arbitration: one year, "
                              "Labor Dispute Mediation and Arbitration Law art. 27)")),
)
CRITERIA_BY_CODE = {c.code: c for c in CRITERIA}


def computed_outcome(results: dict[str, str]) -> str:
    """Eligible when every criterion is met; not eligible when any is not met; otherwise undetermined."""
    values = [results.get(c.code, Result.UNKNOWN) for c in CRITERIA]
    if any(v == Result.NOT_MET for v in values):
        return Outcome.NOT_ELIGIBLE
    if all(v == Result.MET for v in values):
        return Outcome.ELIGIBLE
    return Outcome.UNDETERMINED


def results_of(aid: LegalAidCase) -> dict[str, str]:
    return dict(aid.criteria.values_list("criterion", "result"))


def outcome_of(aid: LegalAidCase) -> str:
    """The screen's outcome: an override (with its written reason) wins over the computed one."""
    return aid.override_outcome or computed_outcome(results_of(aid))


# --- firms, capacity, conflicts ---------------------------------------------------------------------


def contracts_serving(unit, day=None):
    """Current contracts made by `unit` or by a unit above it (the city's contracts serve every level)."""
    day = day or timezone.localdate()
    ids = {unit.pk}
    for path in (unit.region_path, unit.industry_path):
        if path:
            ids.update(tree.ancestor_ids(path))
    return (Contract.objects.filter(unit_id__in=ids, start__lte=day, end__gte=day, firm__active=True)
            .select_related("firm", "unit").order_by("firm__name"))


def workload_by_contract(contract_ids) -> dict[int, int]:
    """Cases each contract's firm is acting on now."""
    rows = (LegalAidCase.objects.filter(contract_id__in=list(contract_ids), case__state__in=ACTIVE_STATES,
                                        case__closed_at__isnull=True)
            .values("contract_id").annotate(n=Count("pk")))
    return {r["contract_id"]: r["n"] for r in rows}


def workload_by_lawyer(lawyer_ids) -> dict[int, int]:
    rows = (LegalAidCase.objects.filter(lawyer_id__in=list(lawyer_ids), case__state__in=ACTIVE_STATES,
                                        case__closed_at__isnull=True)
            .values("lawyer_id").annotate(n=Count("pk")))
    return {r["lawyer_id"]: r["n"] for r in rows}


def has_capacity(contract: Contract, open_cases: int) -> bool:
    """A contract takes another case while its open cases are fewer than its capacity."""
    return open_cases < contract.capacity


def _norm(name: str) -> str:
    return "".join((name or "").split()).replace("（", "(").replace("）", ")")


@dataclass
class Flag:
    code: str
    message: str
    data: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"code": self.code, "message": str(self.message), **self.data}


def conflicts(firm: LawFirm, aid: LegalAidCase) -> list[Flag]:
    """What speaks against `firm` taking `aid`: the firm acts for this employer or against this worker
    (declared representations), or it has another legal-aid case involving this employer."""
    flags: list[Flag] = []
    employer = _norm(aid.employer_name)
    uscc = (aid.employer_uscc or "").upper()
    for e in Engagement.objects.filter(firm=firm):
        same_employer = (uscc and e.party_uscc.upper() == uscc) or (_norm(e.party_name) == employer and employer)
        if e.side == Side.FOR and same_employer:
            flags.append(Flag("acts_for_employer", _("The firm has declared that it acts for %(party)s, the "
                                                     "opposing employer.") % {"party": e.party_name}))
        if e.side == Side.AGAINST and _norm(e.party_name) == _norm(aid.applicant_name):
            flags.append(Flag("against_worker", _("The firm has declared that it acts against %(party)s, the "
                                                  "applicant.") % {"party": e.party_name}))
    others = LegalAidCase.objects.filter(firm=firm).exclude(pk=aid.pk).select_related("case")
    match = Q(employer_uscc=uscc) if uscc else Q(pk__in=[])
    for other in others.filter(match | Q(employer_name=aid.employer_name)):
        flags.append(Flag("case_with_employer", _("The firm has case %(number)s involving the same employer.")
                          % {"number": other.case.number}, {"case": other.case.number}))
    return flags


@dataclass
class Suggestion:
    contract: Contract
    open_cases: int
    flags: list[Flag]

    @property
    def firm(self) -> LawFirm:
        return self.contract.firm

    @property
    def full(self) -> bool:
        return not has_capacity(self.contract, self.open_cases)

    @property
    def free(self) -> int:
        return max(0, self.contract.capacity - self.open_cases)


def suggestions(aid: LegalAidCase, unit) -> list[Suggestion]:
    """Firms that may take the case at `unit`: no flag and most free capacity first, full ones last."""
    contracts = list(contracts_serving(unit))
    load = workload_by_contract(c.pk for c in contracts)
    out = [Suggestion(c, load.get(c.pk, 0), conflicts(c.firm, aid)) for c in contracts]
    out.sort(key=lambda s: (s.full, bool(s.flags), -s.free, s.firm.name))
    return out


def suggested(sugg: list[Suggestion]) -> Suggestion | None:
    """The firm to propose: the first with room and no flag (the list is already in that order)."""
    return next((s for s in sugg if not s.full and not s.flags), None)


def suggested_lawyer(firm: LawFirm, lawyers, load: dict[int, int], unit) -> Lawyer | None:
    """The firm's least-loaded active lawyer, preferring one whose login is at `unit` (their own inbox)."""
    own = [lw for lw in lawyers if lw.firm_id == firm.pk and lw.active]
    own.sort(key=lambda lw: (not (lw.user_id and lw.user.org_unit_id == unit.pk), load.get(lw.pk, 0), lw.name))
    return own[0] if own else None
