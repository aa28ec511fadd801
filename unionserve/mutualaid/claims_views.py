"""Pages of claims: the list, collecting a claim for a member picked from the register, the documents checklist,
the statistics; the claim panel of the engine's case page and the member page's section."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from unionserve.core.export import MAX_ROWS as EXPORT_MAX_ROWS
from unionserve.core.export import XLSX, export_link, wants_xlsx, xlsx_response
from unionserve.core.queries import prefix_q
from unionserve.core.roles import CLAIMS_COLLECT, CLAIMS_VIEW, CLAIMS_VIEW_STATS
from unionserve.core.scope import scope_of, scoped_view
from unionserve.members import public as members
from unionserve.workflow.models import Case
from unionserve.workflow.permissions import actions_for

from . import claims_actions as actions
from . import claims_rules as rules
from . import claims_statistics as statistics
from .claims_forms import CollectForm, DocumentsForm, MemberSearchForm
from .models import DOCUMENTS_BY_TYPE, Claim, ClaimType, Document

PAGE = 25


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied(_("Your roles do not include this page."))


def claim_states() -> list[tuple[str, str]]:
    from unionserve.workflow.registry import registry

    return [(s.code, str(s.label)) for s in registry.get(actions.PROCESS).states]


def _may_collect(user) -> bool:
    return bool(user.has_perm(CLAIMS_COLLECT) and user.org_unit_id and user.org_unit.level == 3)


def filtered_claims(user, params) -> tuple:
    """The claims of `user`'s scope matching the list's filters (state, type, number or member's name)."""
    qs = scope_of(user).filter(Claim.objects.select_related("case", "case__current_unit", "member", "station"))
    state, kind, q = params.get("state", ""), params.get("type", ""), params.get("q", "").strip()[:50]
    if state == "overdue":
        qs = qs.filter(case__steps__is_open=True, case__steps__overdue=True).distinct()
    elif state:
        qs = qs.filter(case__state=state)
    if kind in ClaimType.values:
        qs = qs.filter(claim_type=kind)
    if q:
        qs = qs.filter(prefix_q("case__number", q.upper()) | Q(member__name__startswith=q))
    return qs.order_by("-case__opened_at", "-pk"), {"state": state, "type": kind, "q": q}


@scoped_view
@require_GET
def claim_list(request):
    """Claims in the user's scope, newest first, with filters and the Excel export."""
    _require(request.user, CLAIMS_VIEW)
    qs, filters = filtered_claims(request.user, request.GET)
    if wants_xlsx(request):
        return xlsx_response(
            filename="mutual-aid-claims", title=_("Accident and fire-loss claims"),
            headers=[_("Number"), _("Member"), _("Claim type"), _("Event date"), _("State"), _("Station"),
                     _("Amount paid (yuan)"), _("Decided at"), _("Paid to the card on")],
            rows=((c.case.number, c.member.name, c.get_claim_type_display(), c.event_date, c.case.state_label(),
                   c.station.name, c.amount, c.decided_at, c.paid_on) for c in qs[:EXPORT_MAX_ROWS + 1]))
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "mutualaid/claims/list.html", {
        "page": page, "query": query.urlencode(), "export_url": export_link(request), **filters,
        "states": claim_states(), "types": ClaimType.choices, "may_collect": _may_collect(request.user),
        "may_stats": request.user.has_perm(CLAIMS_VIEW_STATS),
    })


@scoped_view
@require_GET
def pick_member(request):
    """Step 1 of collecting: find the member in the station's register (name, ID number, mobile, card number)."""
    if not _may_collect(request.user):
        raise PermissionDenied(_("Claims are collected at a union service station by its social workers."))
    form = MemberSearchForm(request.GET or None)
    found, more = [], False
    if form.is_valid() and form.cleaned_data["q"]:
        result = members.search_members(request.user, members.MemberFilter(q=form.cleaned_data["q"]))
        found, more = result.members, result.more
    return render(request, "mutualaid/claims/pick_member.html", {"form": form, "found": found, "more": more,
                                                                 "searched": bool(request.GET.get("q"))})


@scoped_view
@require_http_methods(["GET", "POST"])
def collect(request, member_id: int):
    """Step 2: the claim for the member picked, with the documents of its checklist and the scans."""
    if not _may_collect(request.user):
        raise PermissionDenied(_("Claims are collected at a union service station by its social workers."))
    member = members.get_member(member_id, user=request.user)
    if member is None:
        raise Http404
    form = CollectForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = actions.collect_claim(
                acting_user=request.user, member_id=member.pk, claim_type=data["claim_type"],
                event_date=data["event_date"], event_summary=data["event_summary"], documents=data["documents"],
                disability_grade=data.get("disability_grade"), assessed_loss=data.get("assessed_loss"),
                files=data.get("attachments") or [], request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Claim %(number)s collected.") % {"number": case.number})
            return redirect("workflow:case", case.number)
    checklists = [(ClaimType(t).label, [Document(d).label for d in docs]) for t, docs in DOCUMENTS_BY_TYPE.items()]
    return render(request, "mutualaid/claims/collect.html", {
        "form": form, "member": members.describe_member(member), "checklists": checklists,
        "eligible_today": rules.eligibility(member.pk, timezone.localdate())[0],
    })


def _claim(request, pk: int) -> Claim:
    return scope_of(request.user).get_object_or_404(Claim.objects.select_related("case", "member", "station"), pk=pk)


@scoped_view
@require_GET
def claim_detail(request, pk: int):
    """A claim opens on its case page (the panel shows the claim)."""
    _require(request.user, CLAIMS_VIEW)
    return redirect("workflow:case", _claim(request, pk).case.number)


@scoped_view
@require_POST
def record_documents(request, pk: int):
    """The station ticks the documents of the checklist it now holds."""
    claim = _claim(request, pk)
    if not _may_collect(request.user):
        raise PermissionDenied(_("Documents are recorded by the station while it holds the claim."))
    form = DocumentsForm(request.POST, claim_type=claim.claim_type)
    if form.is_valid():
        try:
            actions.record_documents(claim, acting_user=request.user, documents=form.cleaned_data["documents"],
                                     request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Documents recorded."))
    else:
        messages.error(request, _("Choose documents of the checklist."))
    return redirect("workflow:case", claim.case.number)


@scoped_view
@require_GET
def statistics_view(request):
    """Claims paid by benefit, quarter, district and industry union; days to pay; refusals and why."""
    _require(request.user, CLAIMS_VIEW_STATS)
    try:
        period = statistics.parse_period(request.GET.get("year"), request.GET.get("quarter"))
    except ValueError as exc:
        return render(request, "mutualaid/claims/statistics.html", {"error": str(exc)}, status=400)
    figures = statistics.compute(request.user, period)
    unit = request.user.org_unit
    if wants_xlsx(request):
        response = HttpResponse(statistics.workbook(figures, scope_name=unit.name if unit else ""),
                                content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="mutual-aid-claims-{period.label}.xlsx"'
        return response
    this_year = timezone.localdate().year
    return render(request, "mutualaid/claims/statistics.html", {
        "f": figures, "period": period, "unit": unit, "export_url": export_link(request),
        "years": list(range(this_year, statistics.FIRST_YEAR - 1, -1)), "quarters": statistics.QUARTERS,
        "chart": {**figures.as_dict(), "labels": {"amount": _("Amount paid (yuan)"), "paid": _("Claims paid")}},
    })


# --- the case page's panel and the member page's section ------------------------------------------


def case_panel(case: Case, user) -> dict | None:
    """The claim on the engine's case page: member, event, checklist, caps in force on the event date, decision."""
    if case.process != actions.PROCESS:
        return None
    claim = Claim.objects.select_related("member", "station", "decided_by").filter(case=case).first()
    if claim is None:
        return None
    try:
        limit = actions.limit_of(claim)
    except (ValueError, KeyError):
        limit = None
    may_tick = (case.state == "collected" and user.org_unit_id == claim.station_id and _may_collect(user))
    from unionserve.payouts.public import payment_for

    return {"claim": claim, "limit": limit, "payment": payment_for(actions.source_key(claim)),
            "documents_form": DocumentsForm(initial={"documents": claim.documents}, claim_type=claim.claim_type)
            if may_tick else None,
            "may_decide": any(s.code == "approve" for s in actions_for(case, user))}


def member_section(member, user) -> dict | None:
    """The member page lists the member's claims the user may read, with state and amount."""
    if not user.has_perm(CLAIMS_VIEW):
        return None
    claims = list(scope_of(user).filter(Claim.objects.filter(member=member)).select_related("case")[:20])
    return {"claims": claims} if claims else None
