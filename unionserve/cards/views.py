"""Card pages: search, a card with its history and problems, collecting applications, the applications waiting for
the bank and the bank batches (download the batch file, upload the result), cards per unit, the member page's
section. Thin: read through the scope, validate, call `actions`, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from unionserve.accounts.http import AuthenticatedHttpRequest
from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core import roles
from unionserve.core.export import export_link, wants_xlsx, xlsx_response
from unionserve.core.scope import scope_of, scoped_view
from unionserve.members.public import MemberFilter, get_member, search_members
from unionserve.orgs.models import OrgUnit

from . import actions, bankfiles, stats
from .forms import (
    CancelForm,
    ChecklistForm,
    MemberSearchForm,
    NoteForm,
    ReplaceForm,
    ReportProblemForm,
    ResolveForm,
    ResultForm,
    SearchForm,
)
from .models import LIVE_STATUSES, BankBatch, Card, CardProblem, CardStatus, Document

PAGE = 25


def cards_in_scope(user) -> QuerySet[Card]:
    """Every card the user may read, with what the lists show."""
    return scope_of(user).filter(Card.objects.select_related("member", "member__grassroots", "applied_at_unit",
                                                             "batch"))


def search_cards(user, q: str, status: str = "") -> QuerySet[Card]:
    """Cards by card number (exact), else by the register's search (name, initials, ID number, phone)."""
    qs = cards_in_scope(user)
    q = (q or "").strip()
    if q:
        if bankfiles.card_number_ok(q) or (q.isdigit() and len(q) == 19):
            qs = qs.filter(number=q)
        else:
            found = search_members(user, MemberFilter(q=q), limit=200)
            qs = qs.filter(member_id__in=[m.pk for m in found.members])
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def _query(request: AuthenticatedHttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@scoped_view
@permission_required(roles.VIEW_CARDS, raise_exception=True)
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse | FileResponse:
    """Card search: by member (the register's search) or card number, and by state."""
    form = SearchForm(request.GET or None)
    q, status = "", ""
    if form.is_valid():
        q, status = form.cleaned_data["q"], form.cleaned_data["status"]
    qs = search_cards(request.user, q, status)
    if wants_xlsx(request):
        return xlsx_response(
            filename="cards", title=_("Jingka cards"),
            headers=[_("Card number"), _("Application"), _("Member"), _("ID number"), _("Grassroots union"),
                     _("Status"), _("Valid from"), _("Valid until"), _("Collected at")],
            rows=((c.number or "", c.reference, c.member.name, c.member.id_masked, c.member.grassroots.name,
                   c.get_status_display(), c.valid_from, c.valid_until, c.applied_at_unit.name)
                  for c in qs[:10_001]))
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(request, "cards/index.html", {
        "form": form, "page": page, "query": _query(request), "export_url": export_link(request),
        "may_manage": request.user.has_perm(roles.MANAGE_CARDS)})


def _card(request: AuthenticatedHttpRequest, pk: int) -> Card:
    return scope_of(request.user).get_object_or_404(
        Card.objects.select_related("member", "member__grassroots", "applied_at_unit", "batch", "replaces"), pk=pk)


@scoped_view
@permission_required(roles.VIEW_CARDS, raise_exception=True)
@require_GET
def card_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One card: its state, history, the card it replaces or that replaced it, the 12351 problems."""
    card = _card(request, pk)
    replaced_by = scope_of(request.user).filter(Card.objects.filter(replaces=card)).first()
    may_manage = request.user.has_perm(roles.MANAGE_CARDS)
    return render(request, "cards/card.html", {
        "card": card, "events": card.events.select_related("by"), "replaced_by": replaced_by,
        "problems": card.problems.select_related("reported_by", "resolved_by"),
        "may_manage": may_manage, "replace_form": ReplaceForm(),
        "can_deliver": card.status == CardStatus.ISSUED,
        "can_lose": card.status in (CardStatus.ISSUED, CardStatus.DELIVERED),
        "can_replace": card.status in (CardStatus.ISSUED, CardStatus.DELIVERED, CardStatus.LOST),
        "can_cancel": card.status in LIVE_STATUSES, "note_form": NoteForm(),
        "cancel_form": CancelForm(), "resolve_form": ResolveForm(),
        "member_link": request.user.has_perm(roles.VIEW_MEMBERS)})


def _card_action(request: AuthenticatedHttpRequest, pk: int, run) -> HttpResponse:
    card = _card(request, pk)
    try:
        result = run(card)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("cards:card", card.pk)
    if isinstance(result, Card) and result.pk != card.pk:
        messages.success(request, _("Application %(ref)s for a new card is waiting for the bank.")
                         % {"ref": result.reference})
        return redirect("cards:card", result.pk)
    messages.success(request, _("Saved."))
    return redirect("cards:card", card.pk)


@scoped_view
@permission_required(roles.MANAGE_CARDS, raise_exception=True)
@require_POST
def deliver(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The issued card is handed to the member."""
    return _card_action(request, pk, lambda c: actions.deliver(c, acting_user=request.user, request=request))


@scoped_view
@permission_required(roles.MANAGE_CARDS, raise_exception=True)
@require_POST
def report_lost(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The member reports the card lost."""
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _card_action(request, pk, lambda c: actions.report_lost(c, acting_user=request.user, note=note,
                                                                   request=request))


@scoped_view
@permission_required(roles.MANAGE_CARDS, raise_exception=True)
@require_POST
def replace(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new card replaces this one (after loss, or a card that does not work); it goes through the bank again."""
    # The checklist is checked by the action (its message names what is missing), so the form is not required.
    documents = [d for d in request.POST.getlist("documents") if d in Document.values]
    note = request.POST.get("note", "")[:200]
    return _card_action(request, pk, lambda c: actions.replace(c, documents=documents, acting_user=request.user,
                                                               note=note, request=request))


@scoped_view
@permission_required(roles.MANAGE_CARDS, raise_exception=True)
@require_POST
def cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Cancel the card (membership ended, application withdrawn)."""
    reason = request.POST.get("reason", "")[:200]
    return _card_action(request, pk, lambda c: actions.cancel(c, acting_user=request.user, reason=reason,
                                                              request=request))


@scoped_view
@permission_required(roles.MANAGE_CARDS, raise_exception=True)
@require_GET
def apply_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Collect an application, step 1: find the member in the register (searchable list)."""
    form = MemberSearchForm(request.GET or None)
    found = None
    if form.is_valid():
        found = search_members(request.user, MemberFilter(q=form.cleaned_data["q"]), limit=20)
    return render(request, "cards/apply_search.html", {"form": form, "found": found})


@scoped_view
@permission_required(roles.MANAGE_CARDS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def apply(request: AuthenticatedHttpRequest, member_id: int) -> HttpResponse:
    """Collect an application, step 2: the documents checklist for the chosen member."""
    member = get_member(member_id, user=request.user)
    if member is None:
        raise Http404
    form = ChecklistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            card = actions.apply_for_card(member, documents=form.cleaned_data["documents"],
                                          acting_user=request.user, request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Application %(ref)s collected; it goes to the bank with the next batch.")
                             % {"ref": card.reference})
            return redirect("cards:applications")
    cards = scope_of(request.user).filter(Card.objects.filter(member=member)).order_by("-created_at")
    return render(request, "cards/apply.html", {"form": form, "member": member, "cards": cards},
                  status=400 if form.errors else 200)


@scoped_view
@permission_required(roles.MANAGE_CARDS, raise_exception=True)
@require_GET
def applications(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The applications collected at the user's unit waiting for the bank, the batches, the leavers' cards."""
    waiting = cards_in_scope(request.user).filter(status=CardStatus.APPLIED, applied_at_unit=request.user.org_unit,
                                                  batch__isnull=True).order_by("pk")
    batches = scope_of(request.user).filter(BankBatch.objects.select_related("unit"))
    leavers = actions.leavers_cards(scope_of(request.user).filter(Card.objects.all())).count()
    return render(request, "cards/applications.html", {
        "waiting": waiting[:200], "waiting_count": waiting.count(),
        "batches": Paginator(batches, PAGE).get_page(request.GET.get("page")), "leavers": leavers})


@scoped_view
@permission_required(roles.MANAGE_CARDS, raise_exception=True)
@require_POST
def send_batch(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Put the waiting applications of the user's unit into a batch for the bank."""
    try:
        batch = actions.send_batch(scope_of(request.user).filter(Card.objects.all()), acting_user=request.user,
                                   request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("cards:applications")
    messages.success(request, _("Batch %(batch)s made with %(n)s applications. Download its file for the bank.")
                     % {"batch": batch.number, "n": batch.count})
    return redirect("cards:batch", batch.pk)


@scoped_view
@permission_required(roles.MANAGE_CARDS, raise_exception=True)
@require_POST
def cancel_leavers(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Cancel the live cards of members the register no longer lists as active (in the user's scope)."""
    n = actions.cancel_leavers(scope_of(request.user).filter(Card.objects.all()), acting_user=request.user,
                               request=request, limit=actions.MAX_BATCH)
    messages.success(request, _("%(n)s cards of former members cancelled.") % {"n": n})
    return redirect("cards:applications")


def _batch(request: AuthenticatedHttpRequest, pk: int) -> BankBatch:
    return scope_of(request.user).get_object_or_404(BankBatch.objects.select_related("unit", "created_by"), pk=pk)


@scoped_view
@permission_required(roles.VIEW_CARDS, raise_exception=True)
@require_GET
def batch_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A batch: its applications and their outcome, the result files applied, the upload form."""
    batch = _batch(request, pk)
    return render(request, "cards/batch.html", _batch_context(request, batch, ResultForm()))


def _batch_context(request: AuthenticatedHttpRequest, batch: BankBatch, form, errors=None) -> dict:
    return {"batch": batch, "cards": batch.cards.select_related("member", "member__grassroots").order_by("pk"),
            "results": batch.results.select_related("by"), "form": form, "errors": errors or [],
            "may_manage": request.user.has_perm(roles.MANAGE_CARDS),
            "may_download": request.user.has_perm(roles.MANAGE_CARDS) and request.user.has_perm(roles.VIEW_PII)}


@scoped_view
@permission_required(roles.MANAGE_CARDS, raise_exception=True)
@require_GET
def batch_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The batch file for the bank (personal data in clear: recorded as an export)."""
    batch = _batch(request, pk)
    data = actions.batch_file_for(batch, acting_user=request.user, request=request)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="jingka_{batch.number}.csv"'
    return response


@scoped_view
@permission_required(roles.MANAGE_CARDS, raise_exception=True)
@require_POST
def batch_result(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload the bank's result file: applied all or nothing; the same file twice changes nothing."""
    batch = _batch(request, pk)
    form = ResultForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "cards/batch.html", _batch_context(request, batch, form), status=400)
    upload = form.cleaned_data["file"]
    try:
        outcome = actions.apply_result(batch, upload.read(), filename=upload.name, acting_user=request.user,
                                       request=request)
    except actions.ResultRejected as exc:
        errors = [{"line": line, "message": message} for line, message in exc.errors]
        return render(request, "cards/batch.html", _batch_context(request, batch, form, errors), status=400)
    if outcome.already_applied:
        messages.info(request, _("This file was already applied on %(at)s; nothing changed.")
                      % {"at": timezone.localtime(outcome.result.at).strftime("%Y-%m-%d %H:%M")})
    else:
        r = outcome.result
        messages.success(request, _("Result applied: %(issued)s issued, %(refused)s refused, %(unchanged)s "
                                    "unchanged.") % {"issued": r.issued, "refused": r.refused,
                                                     "unchanged": r.unchanged})
    return redirect("cards:batch", batch.pk)


@scoped_view
@permission_required(roles.REPORT_CARD_PROBLEMS, raise_exception=True)
@require_POST
def report_problem(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Link a 12351 request to the caller's card (posted from the 12351 panel of the case page)."""
    form = ReportProblemForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose the card and what the problem is."), status=400)
    data = form.cleaned_data
    card = scope_of(request.user).get_object_or_404(Card.objects.all(), pk=data["card"])
    try:
        actions.report_problem(card, case_number=data["case_number"], kind=data["kind"],
                               description=data["description"], acting_user=request.user, request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The card problem is linked to the request."))
    return redirect(reverse("workflow:case", args=[data["case_number"]]))


@scoped_view
@permission_required(roles.MANAGE_CARDS, raise_exception=True)
@require_POST
def resolve_problem(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The unit handling the request records what was done about the card problem."""
    problem = scope_of(request.user).get_object_or_404(CardProblem.objects.select_related("card"), pk=pk)
    form = ResolveForm(request.POST)
    try:
        actions.resolve_problem(problem, resolution=form.data.get("resolution", "")[:500], acting_user=request.user,
                                request=request)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The problem is resolved; 12351 calls the member back."))
    back = request.POST.get("back", "")
    if back == "case":
        return redirect(reverse("workflow:case", args=[problem.case_number]))
    return redirect("cards:card", problem.card_id)


def stats_unit(user, unit_id) -> OrgUnit:
    """The unit asked for (in the scope, else 404), else the user's own, else the root the user sees."""
    scope = scope_of(user)
    unit_id = unit_id or user.org_unit_id
    if unit_id:
        return scope.get_object_or_404(OrgUnit.objects.all(), pk=unit_id if str(unit_id).isdigit() and
                                       len(str(unit_id)) < 19 else 0)
    unit = scope.filter(OrgUnit.objects.filter(region_parent__isnull=True, industry_parent__isnull=True)).order_by(
        "pk").first()
    if unit is None:
        raise PermissionDenied
    return unit


def unit_figures(user, unit: OrgUnit) -> tuple[stats.UnitCards, list[stats.UnitCards]]:
    """The unit's own figures and its children's, ranked by coverage."""
    vectors = stats.leaf_vectors(user, unit)
    children = list(stats.children_of(user, unit).order_by("kind", "code"))
    own, *rows = stats.rolled_up([unit, *children], vectors)
    return own, stats.ranked(rows)


@scoped_view
@permission_required(roles.VIEW_CARDS, raise_exception=True)
@require_GET
def statistics(request: AuthenticatedHttpRequest) -> HttpResponse | FileResponse:
    """Cards per unit against members, the units directly below ranked by coverage; Excel export."""
    unit = stats_unit(request.user, request.GET.get("unit"))
    own, rows = unit_figures(request.user, unit)
    if wants_xlsx(request):
        _record_export(request, unit)
        return xlsx_response(
            filename="cards_per_unit", title=_("Cards per unit"),
            headers=[_("Rank"), _("Unit"), _("Code"), _("Active members"), _("Members with a usable card"),
                     _("Coverage (%)"), _("Applications at the station or bank"), _("Refused"), _("Lost"),
                     _("Cancelled")],
            rows=[(i, r.unit.name, r.unit.code, r.members, r.holders, r.coverage, r.pending, r.refused, r.lost,
                   r.cancelled) for i, r in enumerate([own, *rows])])
    scope = scope_of(request.user)
    parents = [p for p in (unit.region_parent, unit.industry_parent) if p is not None and scope.contains_unit(p)]
    chart = {"units": [r.unit.name for r in rows if r.members], "label": _("Coverage (%)"),
             "coverage": [float(r.coverage) for r in rows if r.members and r.coverage is not None]}
    return render(request, "cards/statistics.html", {
        "unit": unit, "own": own, "rows": rows, "parents": parents, "chart": chart,
        "export_url": export_link(request)})


def _record_export(request: AuthenticatedHttpRequest, unit: OrgUnit) -> None:
    """Exports of statistics are recorded (as the other statistics pages do)."""
    record(AuditAction.STATISTICS_EXPORTED, request=request, unit=unit, detail={"report": "cards", "unit": unit.code})


def member_section(member, user) -> dict | None:
    """The member page's "Jingka card" section: the member's cards, state and history (through the scope)."""
    if not user.has_perm(roles.VIEW_CARDS):
        return None
    cards = list(scope_of(user).filter(Card.objects.filter(member=member)).prefetch_related("events")
                 .order_by("-created_at", "-pk")[:10])
    return {"jingka_cards": cards, "member_card_number": member.card_number}
