"""Pages of legal aid: the list, intake, the eligibility screen, assignment, the lawyer's own cases and the
registry of firms, contracts and lawyers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from unionserve.core.export import MAX_ROWS as EXPORT_MAX_ROWS
from unionserve.core.export import export_link, wants_xlsx, xlsx_response
from unionserve.core.queries import prefix_q
from unionserve.core.roles import MANAGE_LAW_FIRMS
from unionserve.core.scope import scope_exempt, scope_of, scoped_view
from unionserve.orgs.models import OrgUnit
from unionserve.workflow.models import Case
from unionserve.workflow.permissions import actions_for

from . import actions, rules
from .forms import AssignForm, ContractForm, EngagementForm, FirmForm, IntakeForm, LawyerForm, ScreenForm
from .models import Contract, Engagement, LawFirm, Lawyer, LegalAidCase, Outcome
from .process import PROCESSES

PAGE = 25


def _aid(request, number: str) -> LegalAidCase:
    """A legal-aid case the user may read, else 404 (also for a lawyer's colleague's case)."""
    return scope_of(request.user).get_object_or_404(
        LegalAidCase.objects.select_related("case", "case__current_unit", "firm", "lawyer", "contract"),
        case__number=number)


def _may_intake(user) -> bool:
    from unionserve.workflow.registry import registry

    process = actions.PROCESS_FOR_LEVEL.get(user.org_unit.level) if user.org_unit is not None else None
    if process is None:
        return False
    opening = registry.get(process).opening
    return any(r in opening.roles for r in user.role_names)


@scoped_view
@require_GET
def case_list(request):
    """Legal-aid cases in the user's scope (a lawyer: their own), newest first, with filters."""
    qs = scope_of(request.user).filter(
        LegalAidCase.objects.select_related("case", "case__current_unit", "firm", "lawyer"))
    state, path, q = request.GET.get("state", ""), request.GET.get("path", ""), request.GET.get("q", "").strip()
    if state == "open":
        qs = qs.filter(case__closed_at__isnull=True)
    elif state:
        qs = qs.filter(case__state=state)
    if path in ("down", "up"):
        qs = qs.filter(path=path)
    if q:
        qs = qs.filter(prefix_q("case__number", q.upper()) | Q(applicant_name__contains=q)
                       | Q(employer_name__contains=q))
    qs = qs.order_by("-case__opened_at")
    if wants_xlsx(request):
        return xlsx_response(
            filename="legal-aid", title=_("Legal aid"),
            headers=[_("Number"), _("Applicant"), _("Opposing employer"), _("State"), _("Handling unit"),
                     _("Law firm"), _("Lawyer"), _("Due")],
            rows=((a.case.number, a.applicant_name, a.employer_name, a.case.state_label(),
                   a.case.current_unit.name if a.case.current_unit else "", a.firm.name if a.firm else "",
                   a.lawyer.name if a.lawyer else "", a.case.due_at) for a in qs[:EXPORT_MAX_ROWS + 1]))
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "legalaid/list.html", {
        "export_url": export_link(request),
        "page": page, "query": query.urlencode(), "state": state, "path": path, "q": q,
        "may_intake": _may_intake(request.user), "may_manage": request.user.has_perm(MANAGE_LAW_FIRMS),
        "states": _states(),
    })


def _states() -> list[tuple[str, str]]:
    from unionserve.workflow.registry import registry

    seen: dict[str, str] = {}
    for code in PROCESSES:
        for s in registry.get(code).states:
            seen.setdefault(s.code, str(s.label))
    return list(seen.items())


@scoped_view
@require_GET
def my_cases(request):
    """A lawyer's own cases: those to report, and those done."""
    qs = scope_of(request.user).filter(LegalAidCase.objects.select_related("case", "firm", "lawyer")).filter(
        Q(lawyer__user=request.user) | Q(case__steps__assignee=request.user)).distinct()
    acting = [a for a in qs if a.case.state == "representing"]
    others = [a for a in qs if a.case.state != "representing"]
    return render(request, "legalaid/mine.html", {"acting": acting, "others": others})


@scoped_view
@require_http_methods(["GET", "POST"])
def intake_view(request):
    """Register an application: at level 1 the down process starts, at a station the up one."""
    if not _may_intake(request.user):
        raise PermissionDenied(_("Legal-aid applications are received at the city center (level 1), a district or "
                               "industry center (level 2) or a station (level 3)."))
    form = IntakeForm(request.POST or None, initial={"applied_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        channel = data.pop("channel")
        try:
            case = actions.intake(actor=request.user, data=data, channel=channel)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Case %(number)s opened.") % {"number": case.number})
            return redirect("legalaid:screen", case.number)
    return render(request, "legalaid/intake.html", {"form": form, "level": request.user.org_unit.level})


@scoped_view
@require_http_methods(["GET", "POST"])
def screen_view(request, number: str):
    """The eligibility screen: each criterion's result and note, the computed outcome, an override."""
    aid = _aid(request, number)
    may_edit = actions.may_screen(aid.case, request.user)
    current = {r.criterion: (r.result, r.note) for r in aid.criteria.all()}
    form = ScreenForm(request.POST or None, criteria=current, initial={
        "version": aid.version, "override_outcome": aid.override_outcome, "override_reason": aid.override_reason})
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("Only the unit that decides on the application may screen it, while it is "
                                     "under review."))
        if form.is_valid():
            try:
                actions.save_screen(aid, actor=request.user, results=form.results(),
                                    override_outcome=form.cleaned_data["override_outcome"],
                                    override_reason=form.cleaned_data["override_reason"],
                                    version=form.cleaned_data["version"], request=request)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Eligibility screen saved."))
                return redirect("legalaid:screen", number)
        messages.error(request, _("Check the form below."))
    computed = rules.computed_outcome({k: v[0] for k, v in current.items()})
    return render(request, "legalaid/screen.html", {
        "aid": aid, "case": aid.case, "form": form, "may_edit": may_edit, "computed": computed,
        "computed_label": Outcome(computed).label, "outcome": rules.outcome_of(aid),
        "rows": list(zip(rules.CRITERIA, [aid.criteria.filter(criterion=c.code).first() for c in rules.CRITERIA],
                         strict=True)),
    }, status=400 if request.method == "POST" else 200)


def _may_assign(case: Case, user):
    return next((s for s in actions_for(case, user) if s.code == "assign_firm"), None)


@scoped_view
@require_http_methods(["GET", "POST"])
def assign_view(request, number: str):
    """Choose a contracted firm (and lawyer): capacity, workload and conflict flags shown before assigning."""
    aid = _aid(request, number)
    spec = _may_assign(aid.case, request.user)
    if spec is None:
        raise PermissionDenied(_("Your unit does not hold this case for assigning a firm."))
    unit = request.user.org_unit
    sugg = rules.suggestions(aid, unit)
    firm_ids = [s.firm.pk for s in sugg]
    lawyers = list(Lawyer.objects.filter(firm_id__in=firm_ids, active=True).select_related("firm", "user"))
    load = rules.workload_by_lawyer(lw.pk for lw in lawyers)
    best = rules.suggested(sugg)
    best_lawyer = rules.suggested_lawyer(best.firm, lawyers, load, unit) if best else None
    form = AssignForm(request.POST or None, suggestions=sugg, lawyers=lawyers, initial={
        "version": aid.case.version, "contract": best.contract.pk if best else None,
        "lawyer": best_lawyer.pk if best_lawyer else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        lawyer = next((lw for lw in lawyers if lw.pk == data.get("lawyer")), None)
        chosen = next((s for s in sugg if s.contract.pk == data["contract"]), None)
        if lawyer is not None and chosen is not None and lawyer.firm_id != chosen.firm.pk:
            form.add_error("lawyer", _("The lawyer must be an active lawyer of the chosen firm."))
        else:
            try:
                actions.assign(aid.case, actor=request.user, contract=data["contract"], lawyer=data.get("lawyer"),
                               conflict_reason=data.get("conflict_reason") or "", version=data["version"],
                               request=request)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Firm assigned."))
                return redirect("workflow:case", number)
    return render(request, "legalaid/assign.html", {
        "aid": aid, "case": aid.case, "form": form, "suggestions": sugg, "best": best,
        "lawyers": [(lw, load.get(lw.pk, 0), actions.lawyer_may_log_in_here(lw, unit)) for lw in lawyers],
    }, status=400 if request.method == "POST" else 200)


@scoped_view
@require_POST
def reveal_view(request, number: str):
    """Show the applicant's phone in full, once, audited."""
    aid = _aid(request, number)
    phone = actions.reveal_phone(aid, user=request.user, request=request)
    return render(request, "legalaid/reveal.html", {"aid": aid, "case": aid.case, "phone": phone})


@scoped_view
@require_POST
def remake_document_view(request, number: str):
    """Make again a decision document whose PDF could not be made when the decision was taken."""
    aid = _aid(request, number)
    try:
        actions.remake_document(aid, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Document made."))
    return redirect("workflow:case", number)


# --- registry ------------------------------------------------------------------------------------


def _require_manage(request):
    if not request.user.has_perm(MANAGE_LAW_FIRMS):
        raise PermissionDenied(_("Your roles do not include managing law firms."))


@scope_exempt(reason="the registry of contracted law firms is city-wide reference data, gated by MANAGE_LAW_FIRMS")
@require_GET
def firm_list(request):
    _require_manage(request)
    firms = LawFirm.objects.annotate(
        n_lawyers=Count("lawyers", filter=Q(lawyers__active=True), distinct=True),
        n_open=Count("cases", filter=Q(cases__case__state__in=rules.ACTIVE_STATES,
                                       cases__case__closed_at__isnull=True), distinct=True))
    today = timezone.localdate()
    capacity: dict[int, int] = {}
    for c in Contract.objects.filter(start__lte=today, end__gte=today):
        capacity[c.firm_id] = capacity.get(c.firm_id, 0) + c.capacity
    rows = [(f, capacity.get(f.pk, 0)) for f in firms]
    return render(request, "legalaid/firms.html", {"rows": rows})


@scope_exempt(reason="the registry of contracted law firms is city-wide reference data, gated by MANAGE_LAW_FIRMS")
@require_GET
def firm_detail(request, pk: int):
    _require_manage(request)
    firm = get_object_or_404(LawFirm, pk=pk)
    contracts = list(firm.contracts.select_related("unit"))
    load = rules.workload_by_contract(c.pk for c in contracts)
    lawyers = list(firm.lawyers.select_related("user"))
    lload = rules.workload_by_lawyer(lw.pk for lw in lawyers)
    return render(request, "legalaid/firm_detail.html", {
        "firm": firm, "contracts": [(c, load.get(c.pk, 0)) for c in contracts],
        "lawyers": [(lw, lload.get(lw.pk, 0)) for lw in lawyers], "engagements": firm.engagements.all(),
        "today": timezone.localdate(),
    })


def _edit(request, form, *, title: str, back: str, **extra):
    if request.method == "POST" and form.is_valid():
        try:
            obj = actions.save_registry(form, actor=request.user, request=request, **extra)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return obj
    return render(request, "legalaid/edit.html", {"form": form, "title": title, "back": back},
                  status=400 if request.method == "POST" else 200)


@scope_exempt(reason="the registry of contracted law firms is city-wide reference data, gated by MANAGE_LAW_FIRMS")
@require_http_methods(["GET", "POST"])
def firm_edit(request, pk: int | None = None):
    _require_manage(request)
    firm = get_object_or_404(LawFirm, pk=pk) if pk else None
    form = FirmForm(request.POST or None, instance=firm)
    result = _edit(request, form, title=_("Law firm") if firm else _("New law firm"),
                   back=firm and f"/legalaid/firms/{firm.pk}/" or "/legalaid/firms/")
    return redirect("legalaid:firm", result.pk) if isinstance(result, LawFirm) else result


@scoped_view
@require_http_methods(["GET", "POST"])
def contract_edit(request, firm_pk: int, pk: int | None = None):
    """Contracts are made by units: the contracting unit must be in the user's scope."""
    _require_manage(request)
    firm = get_object_or_404(LawFirm, pk=firm_pk)
    scope = scope_of(request.user)
    contract = scope.get_object_or_404(Contract.objects.filter(firm=firm), pk=pk) if pk else None
    form = ContractForm(request.POST or None, instance=contract, units=scope.filter(OrgUnit.objects.active()))
    unit = form.cleaned_data.get("unit_code") if request.method == "POST" and form.is_valid() else None
    result = _edit(request, form, title=_("Contract with %(firm)s") % {"firm": firm.name},
                   back=f"/legalaid/firms/{firm.pk}/", firm=firm, **({"unit": unit} if unit else {}))
    return redirect("legalaid:firm", firm.pk) if isinstance(result, Contract) else result


@scope_exempt(reason="the registry of contracted law firms is city-wide reference data, gated by MANAGE_LAW_FIRMS")
@require_http_methods(["GET", "POST"])
def lawyer_edit(request, firm_pk: int, pk: int | None = None):
    _require_manage(request)
    firm = get_object_or_404(LawFirm, pk=firm_pk)
    lawyer = get_object_or_404(Lawyer, pk=pk, firm=firm) if pk else None
    form = LawyerForm(request.POST or None, instance=lawyer)
    user = form.cleaned_data.get("username") if request.method == "POST" and form.is_valid() else None
    result = _edit(request, form, title=_("Lawyer of %(firm)s") % {"firm": firm.name},
                   back=f"/legalaid/firms/{firm.pk}/", firm=firm, user=user)
    return redirect("legalaid:firm", firm.pk) if isinstance(result, Lawyer) else result


@scope_exempt(reason="the registry of contracted law firms is city-wide reference data, gated by MANAGE_LAW_FIRMS")
@require_http_methods(["GET", "POST"])
def engagement_add(request, firm_pk: int):
    _require_manage(request)
    firm = get_object_or_404(LawFirm, pk=firm_pk)
    form = EngagementForm(request.POST or None)
    result = _edit(request, form, title=_("Declared representation of %(firm)s") % {"firm": firm.name},
                   back=f"/legalaid/firms/{firm.pk}/", firm=firm)
    return redirect("legalaid:firm", firm.pk) if isinstance(result, Engagement) else result


# --- case panel and member section ----------------------------------------------------------------


def case_panel(case, user) -> dict | None:
    """The legal-aid panel of the engine's case page (the case is already one the user may read)."""
    if case.process not in PROCESSES:
        return None
    aid = LegalAidCase.objects.select_related("firm", "lawyer", "contract__unit", "member").filter(case=case).first()
    if aid is None:
        return None
    try:
        from unionserve.documents.public import GeneratedDocument

        documents = [(d, _download_url(d)) for d in GeneratedDocument.objects.filter(case=case).order_by("-pk")[:10]]
    except Exception:  # noqa: BLE001 - the documents app may not be installed yet
        documents = []
    return {"aid": aid, "outcome": rules.outcome_of(aid), "criteria": list(aid.criteria.all()),
            "may_screen": actions.may_screen(case, user), "may_assign": _may_assign(case, user) is not None,
            "documents": documents, "Outcome": Outcome,
            "missing_document": actions.may_remake_document(aid, user),
            "may_reveal": actions.may_reveal(aid, user)}


def _download_url(doc) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("documents:download", args=[doc.pk])
    except NoReverseMatch:
        return ""


def member_section(member, user) -> dict | None:
    """The member page lists the member's legal-aid cases that the user may read."""
    cases = list(scope_of(user).filter(LegalAidCase.objects.select_related("case").filter(member=member))
                 .order_by("-case__opened_at")[:20])
    return {"legal_aid_cases": cases} if cases else None
