"""Pages of assistance: the station collects (hardship files, emergency aid, skills boost), the district reviews
(nomination lists), the city approves (programs, skills boost) and the fund manager keeps the warm fund."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from unionserve.core import roles
from unionserve.core.export import export_link, wants_xlsx, xlsx_response
from unionserve.core.scope import scope_of, scoped_view
from unionserve.members import public as members

from . import actions, forms, statistics
from .models import (
    EmergencyAid,
    FileStatus,
    FundEntry,
    HardshipFile,
    HardshipLevel,
    Nomination,
    NominationStatus,
    Program,
    ProgramStatus,
    SkillApplication,
    SkillStatus,
)

PAGE = 25
MAX_Q = 60


def _page(request, qs):
    return Paginator(qs, PAGE).get_page(request.GET.get("page"))


def _error(form, exc: ValidationError | PermissionDenied) -> None:
    form.add_error(None, exc if isinstance(exc, ValidationError) else _("Your roles do not allow this."))


def _pick(request) -> dict:
    """The member picker: a search box over the register (in scope) and the chosen member (`?member=`)."""
    q = request.GET.get("q", "").strip()[:MAX_Q]
    results = members.search_members(request.user, members.MemberFilter(q=q)).members if q else []
    member = members.get_member(request.GET.get("member"), user=request.user) if request.GET.get("member") else None
    if request.GET.get("member") and member is None:
        raise Http404
    return {"q": q, "results": results, "member": member, "searched": bool(q)}


@scoped_view
@permission_required(roles.VIEW_ASSISTANCE, raise_exception=True)
@require_GET
def index(request):
    """What needs doing and where things stand, in the user's scope."""
    scope = scope_of(request.user)
    files = scope.filter(HardshipFile.objects.all())
    fund = actions.Fund.objects.order_by("pk").first()
    ctx = {
        "files_review": files.filter(status=FileStatus.REVIEW).count(),
        "files_approved": files.filter(status=FileStatus.APPROVED).count(),
        "skills_open": scope.filter(SkillApplication.objects.filter(status=SkillStatus.APPLIED)).count(),
        "emergency_open": scope.filter(EmergencyAid.objects.filter(status="review")).count(),
        "programs": Program.objects.order_by("-year", "kind")[:8],
        "fund": fund if request.user.has_perm(roles.MANAGE_WARM_FUND) or request.user.has_perm(
            roles.APPROVE_ASSISTANCE) else None,
    }
    return render(request, "assistance/index.html", ctx)


# --- hardship files ------------------------------------------------------------------------------------------


@scoped_view
@permission_required(roles.VIEW_ASSISTANCE, raise_exception=True)
@require_GET
def hardship_list(request):
    """Hardship files in scope, masked: no household data or cause on the list."""
    qs = scope_of(request.user).filter(HardshipFile.objects.select_related("member", "station", "case"))
    status, level = request.GET.get("status", ""), request.GET.get("level", "")
    if status in FileStatus.values:
        qs = qs.filter(status=status)
    if level in HardshipLevel.values:
        qs = qs.filter(level=level)
    if wants_xlsx(request):
        rows = ((f.case.number if f.case else "", f.member.name, f.member.id_masked, f.get_level_display(),
                 f.get_status_display(), f.station.name, f.applied_on, f.valid_until)
                for f in qs[: actions_limit()])
        return xlsx_response(filename="hardship-files", title=_("Hardship files"),
                             headers=[_("Case"), _("Member"), _("ID number"), _("Level of hardship"), _("Status"),
                                      _("Applied at"), _("Applied on"), _("Valid until")], rows=rows)
    return render(request, "assistance/hardship_list.html", {
        "page": _page(request, qs), "status": status, "level": level, "statuses": FileStatus.choices,
        "levels": HardshipLevel.choices, "query": f"status={status}&level={level}", "export_url": export_link(request),
        "may_apply": request.user.has_perm(roles.APPLY_ASSISTANCE)})


def actions_limit() -> int:
    from unionserve.core.export import MAX_ROWS

    return MAX_ROWS + 1


@scoped_view
@permission_required(roles.APPLY_ASSISTANCE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def hardship_new(request):
    """The station applies for a member's hardship file: pick the member, then the household and the cause."""
    pick = _pick(request)
    form = forms.HardshipForm(request.POST or None)
    household = forms.HouseholdFormSet(request.POST or None, prefix="hh")
    if request.method == "POST" and pick["member"] is not None and form.is_valid() and household.is_valid():
        data = form.cleaned_data
        people = [p for p in household.cleaned_data if p and p.get("name")]
        try:
            file = actions.apply_hardship(
                member=pick["member"], level=data["level"], cause=data["cause"], household=people,
                monthly_income=data["monthly_income"], monthly_spending=data["monthly_spending"],
                story=data["story"], applied_on=data["applied_on"], acting_user=request.user, request=request)
        except (ValidationError, PermissionDenied) as exc:
            _error(form, exc)
        else:
            messages.success(request, _("Hardship file applied for: case %(number)s. Submit it to the district on "
                                        "the case page.") % {"number": file.case.number if file.case else ""})
            return redirect("assistance:hardship_detail", file.pk)
    return render(request, "assistance/hardship_new.html", {**pick, "form": form, "household": household})


def _file(request, pk: int) -> HardshipFile:
    """A hardship file in the user's scope, else 404 (another station's file looks like none)."""
    return scope_of(request.user).get_object_or_404(
        HardshipFile.objects.select_related("member", "member__grassroots", "station", "case"), pk=pk)


@scoped_view
@permission_required(roles.VIEW_HARDSHIP_FILE, raise_exception=True)
@require_GET
def hardship_detail(request, pk: int):
    """The whole file; the sealed household data is revealed and every view written to the audit log."""
    file = _file(request, pk)
    details = actions.details_of(file, user=request.user, request=request)
    return render(request, "assistance/hardship_detail.html", {
        "file": file, "details": details, "recheck": forms.RecheckForm(),
        "may_recheck": file.status == FileStatus.APPROVED and request.user.has_perm(roles.APPLY_ASSISTANCE)})


@scoped_view
@permission_required(roles.APPLY_ASSISTANCE, raise_exception=True)
@require_POST
def hardship_recheck(request, pk: int):
    """The yearly re-check: extend or end the file."""
    file = _file(request, pk)
    form = forms.RecheckForm(request.POST)
    if form.is_valid():
        try:
            actions.recheck_hardship(file, still_eligible=form.cleaned_data["still_eligible"],
                                     level=form.cleaned_data["level"], note=form.cleaned_data["note"],
                                     acting_user=request.user, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Re-check recorded."))
    else:
        messages.error(request, _("Say what the re-check found."))
    return redirect("assistance:hardship_detail", file.pk)


# --- the warm fund -------------------------------------------------------------------------------------------


@scoped_view
@permission_required(roles.MANAGE_WARM_FUND, raise_exception=True)
@require_http_methods(["GET", "POST"])
def fund(request):
    """The warm fund: balance, the ledger, income recorded by the fund manager."""
    the_fund = scope_of(request.user).filter(actions.Fund.objects.order_by("pk")).first()
    if the_fund is None:
        raise Http404
    form = forms.IncomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_income(the_fund, amount=form.cleaned_data["amount"], memo=form.cleaned_data["memo"],
                               acting_user=request.user, request=request)
        except ValidationError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("Income recorded."))
            return redirect("assistance:fund")
    entries = FundEntry.objects.filter(fund=the_fund)
    if wants_xlsx(request):
        rows = ((e.created_at, e.get_kind_display(), e.amount, e.balance_after, e.memo) for e in entries[:10001])
        return xlsx_response(filename="warm-fund", title=_("Warm fund"), rows=rows,
                             headers=[_("Time"), _("Kind"), _("Amount (yuan)"), _("Balance after (yuan)"), _("Memo")])
    totals = {row["kind"]: row["s"] for row in entries.values("kind").annotate(s=Sum("amount"))}
    return render(request, "assistance/fund.html", {"fund": the_fund, "form": form, "page": _page(request, entries),
                                                    "totals": totals, "export_url": export_link(request)})


# --- seasonal programs ---------------------------------------------------------------------------------------


@scoped_view
@permission_required(roles.VIEW_ASSISTANCE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def programs(request):
    """The seasonal programs; the city sets up a new one."""
    may_create = request.user.has_perm(roles.APPROVE_ASSISTANCE)
    form = forms.ProgramForm(request.POST or None) if may_create else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            budgets = {d.pk: Decimal(0) for d in actions.districts()}
            try:
                program = actions.create_program(**form.cleaned_data, budgets=budgets, acting_user=request.user,
                                                 request=request)
            except ValidationError as exc:
                _error(form, exc)
            else:
                messages.success(request, _("Program set up: give each district its budget, then draw the list."))
                return redirect("assistance:program", program.pk)
    noms = scope_of(request.user).filter(Nomination.objects.all())
    counts = {row["program"]: row["n"] for row in noms.exclude(status=NominationStatus.REMOVED).values(
        "program").annotate(n=Count("pk"))}
    rows = [(p, counts.get(p.pk, 0)) for p in Program.objects.all()[:200]]
    return render(request, "assistance/programs.html", {"rows": rows, "form": form})


@scoped_view
@permission_required(roles.VIEW_ASSISTANCE, raise_exception=True)
@require_GET
def program(request, pk: int):
    """One program: budgets and totals per district, the nomination list in scope, the review and approval."""
    prog = get_object_or_404(Program, pk=pk)
    qs = scope_of(request.user).filter(Nomination.objects.filter(program=prog).select_related(
        "member", "member__grassroots", "district")).order_by("district__code", "member__name", "pk")
    status = request.GET.get("status", "")
    if status in NominationStatus.values:
        qs = qs.filter(status=status)
    if wants_xlsx(request):
        rows = ((n.member.name, n.member.id_masked, n.member.grassroots.name, n.district.name,
                 n.get_status_display(), n.reason) for n in qs[: actions_limit()])
        return xlsx_response(filename="nominations", title=str(prog)[:31], rows=rows,
                             headers=[_("Member"), _("ID number"), _("Grassroots union"), _("District"), _("Status"),
                                      _("Reason")])
    user = request.user
    nominating = prog.status == ProgramStatus.NOMINATING
    return render(request, "assistance/program.html", {
        "program": prog, "page": _page(request, qs), "totals": actions.program_totals(prog, user),
        "status": status, "statuses": NominationStatus.choices, "query": f"status={status}",
        "export_url": export_link(request), "spent": actions.program_spent(prog),
        "may_review": nominating and user.has_perm(roles.REVIEW_ASSISTANCE),
        "may_approve": nominating and user.has_perm(roles.APPROVE_ASSISTANCE),
        "budget_form": forms.BudgetForm(districts=actions.districts()) if nominating and user.has_perm(
            roles.APPROVE_ASSISTANCE) else None,
        "reason_form": forms.ReasonForm(), **(_pick(request) if nominating else {})})


def _program_post(request, pk: int, action) -> HttpResponse:
    prog = get_object_or_404(Program, pk=pk)
    try:
        text = action(prog)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, text)
    return redirect("assistance:program", prog.pk)


@scoped_view
@permission_required(roles.REVIEW_ASSISTANCE, raise_exception=True)
@require_POST
def program_draw(request, pk: int):
    """Draw the list from the register: the district's own, or the whole city's for the city office."""
    def draw(prog):
        n = actions.draw_nominations(prog, acting_user=request.user, request=request)
        return _("%(n)s members added to the list.") % {"n": n}

    return _program_post(request, pk, draw)


@scoped_view
@permission_required(roles.APPROVE_ASSISTANCE, raise_exception=True)
@require_POST
def program_budget(request, pk: int):
    """The city sets a district's budget."""
    form = forms.BudgetForm(request.POST, districts=actions.districts())

    def save(prog):
        if not form.is_valid():
            raise ValidationError(_("Choose a district and give an amount."))
        actions.set_budget(prog, district_id=form.cleaned_data["district"], amount=form.cleaned_data["amount"],
                           acting_user=request.user, request=request)
        return _("Budget saved.")

    return _program_post(request, pk, save)


@scoped_view
@permission_required(roles.REVIEW_ASSISTANCE, raise_exception=True)
@require_POST
def program_remove(request, pk: int, nomination: int):
    """The district takes a member off the list, with the reason."""
    scope_of(request.user).get_object_or_404(Nomination.objects.all(), pk=nomination, program_id=pk)
    form = forms.ReasonForm(request.POST)

    def remove(prog):
        if not form.is_valid():
            raise ValidationError(_("Say why the member is taken off the list."))
        actions.remove_nomination(nomination, reason=form.cleaned_data["reason"], acting_user=request.user,
                                  request=request)
        return _("Taken off the list.")

    return _program_post(request, pk, remove)


@scoped_view
@permission_required(roles.REVIEW_ASSISTANCE, raise_exception=True)
@require_POST
def program_add(request, pk: int):
    """The district adds a member picked from the register, with the reason."""
    form = forms.ReasonForm(request.POST)

    def add(prog):
        member = members.get_member(request.POST.get("member"), user=request.user)
        if member is None or not form.is_valid():
            raise ValidationError(_("Pick a member and say why they are added."))
        actions.add_nomination(prog, member=member, reason=form.cleaned_data["reason"], acting_user=request.user,
                               request=request)
        return _("%(name)s added to the list.") % {"name": member.name}

    return _program_post(request, pk, add)


@scoped_view
@permission_required(roles.APPROVE_ASSISTANCE, raise_exception=True)
@require_POST
def program_approve(request, pk: int):
    """The city approves: the grant is drawn from the fund and one payment per member is asked for."""
    def approve(prog):
        n = actions.approve_program(prog, acting_user=request.user, request=request)
        return _("Approved: %(n)s payments asked for.") % {"n": n}

    return _program_post(request, pk, approve)


# --- emergency aid -------------------------------------------------------------------------------------------


@scoped_view
@permission_required(roles.VIEW_ASSISTANCE, raise_exception=True)
@require_GET
def emergency_list(request):
    """Emergency-aid applications in scope."""
    qs = scope_of(request.user).filter(EmergencyAid.objects.select_related("member", "station", "case"))
    return render(request, "assistance/emergency_list.html", {
        "page": _page(request, qs), "may_apply": request.user.has_perm(roles.APPLY_ASSISTANCE)})


@scoped_view
@permission_required(roles.APPLY_ASSISTANCE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def emergency_new(request):
    """The station applies for emergency aid for a member picked from the register."""
    pick = _pick(request)
    form = forms.EmergencyForm(request.POST or None)
    if request.method == "POST" and pick["member"] is not None and form.is_valid():
        try:
            aid = actions.apply_emergency(member=pick["member"], acting_user=request.user, request=request,
                                          **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _error(form, exc)
        else:
            number = aid.case.number if aid.case else ""
            messages.success(request, _("Emergency aid applied for: case %(number)s.") % {"number": number})
            return redirect("workflow:case", number)
    return render(request, "assistance/emergency_new.html", {**pick, "form": form})


# --- skills boost --------------------------------------------------------------------------------------------


@scoped_view
@permission_required(roles.VIEW_ASSISTANCE, raise_exception=True)
@require_GET
def skills_list(request):
    """Skills-boost applications in scope; the city decides those waiting."""
    qs = scope_of(request.user).filter(SkillApplication.objects.select_related("member", "station"))
    status = request.GET.get("status", "")
    if status in SkillStatus.values:
        qs = qs.filter(status=status)
    if wants_xlsx(request):
        rows = ((a.member.name, a.member.id_masked, a.get_basis_display(), a.certificate_number, a.issuer,
                 a.applied_on, a.amount, a.get_status_display()) for a in qs[: actions_limit()])
        return xlsx_response(filename="skills-boost", title=_("Skills boost"), rows=rows,
                             headers=[_("Member"), _("ID number"), _("Basis"), _("Certificate or award number"),
                                      _("Issued by"), _("Applied on"), _("Amount (yuan)"), _("Status")])
    return render(request, "assistance/skills_list.html", {
        "page": _page(request, qs), "status": status, "statuses": SkillStatus.choices, "query": f"status={status}",
        "export_url": export_link(request), "decide": forms.DecideForm(),
        "may_apply": request.user.has_perm(roles.APPLY_ASSISTANCE),
        "may_decide": request.user.has_perm(roles.APPROVE_ASSISTANCE)})


@scoped_view
@permission_required(roles.APPLY_ASSISTANCE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def skills_new(request):
    """A skills-boost application for a member picked from the register."""
    pick = _pick(request)
    form = forms.SkillForm(request.POST or None)
    if request.method == "POST" and pick["member"] is not None and form.is_valid():
        try:
            app = actions.apply_skills(member=pick["member"], acting_user=request.user, request=request,
                                       **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _error(form, exc)
        else:
            messages.success(request, _("Application recorded: %(amount)s yuan under the policy of %(day)s.")
                             % {"amount": app.amount, "day": app.applied_on})
            return redirect("assistance:skills")
    return render(request, "assistance/skills_new.html", {**pick, "form": form})


@scoped_view
@permission_required(roles.APPROVE_ASSISTANCE, raise_exception=True)
@require_POST
def skills_decide(request, pk: int):
    """The city approves (payment asked) or rejects with a reason."""
    scope_of(request.user).get_object_or_404(SkillApplication.objects.all(), pk=pk)
    form = forms.DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("assistance:skills")
    try:
        actions.decide_skills(pk, approve=form.cleaned_data["decision"] == "approve",
                              reason=form.cleaned_data["reason"], acting_user=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("assistance:skills")


# --- statistics and the member page --------------------------------------------------------------------------


@scoped_view
@permission_required(roles.VIEW_ASSISTANCE, raise_exception=True)
@require_GET
def stats(request):
    """Grants by program, district and amount; files by level and cause; with charts and an Excel export."""
    year = request.GET.get("year", "")
    year_value = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None
    figures = statistics.figures(request.user, year=year_value)
    if wants_xlsx(request):
        return statistics.export(figures, request=request)
    return render(request, "assistance/statistics.html", {
        "figures": figures, "chart": statistics.chart(figures), "year": year_value or "",
        "export_url": export_link(request)})


def member_section(member, user) -> dict | None:
    """The member page: the hardship file (masked: level, status, validity) and the grants received."""
    if not user.has_perm(roles.VIEW_ASSISTANCE):
        return None
    scope = scope_of(user)
    files = list(scope.filter(HardshipFile.objects.filter(member=member).select_related("case"))[:5])
    noms = list(scope.filter(Nomination.objects.filter(member=member, status=NominationStatus.APPROVED)
                             .select_related("program"))[:20])
    skills = list(scope.filter(SkillApplication.objects.filter(member=member))[:10])
    aids = list(scope.filter(EmergencyAid.objects.filter(member=member).select_related("case"))[:10])
    if not (files or noms or skills or aids):
        return None
    return {"hardship_files": files, "program_grants": noms, "skill_apps": skills, "emergency_aids": aids,
            "may_open_file": user.has_perm(roles.VIEW_HARDSHIP_FILE)}


def case_panel(case, user) -> dict | None:
    """The case page of a hardship or emergency case shows the file's summary (no sealed data)."""
    file = scope_of(user).filter(HardshipFile.objects.filter(case=case)).first()
    aid = scope_of(user).filter(EmergencyAid.objects.filter(case=case)).first()
    if file is None and aid is None:
        return None
    return {"file": file, "aid": aid, "may_open_file": user.has_perm(roles.VIEW_HARDSHIP_FILE)}
