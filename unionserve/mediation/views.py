"""Mediation pages: intake, the case list, the mediator's own cases, the mediator registry, appointing a
mediator, the case-page panel and the member-page section. Thin: read through the scope, validate, call
`intake`/`actions`/the engine, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from unionserve.accounts.http import AuthenticatedHttpRequest
from unionserve.core import roles
from unionserve.core.export import MAX_ROWS as EXPORT_MAX_ROWS
from unionserve.core.export import export_link, wants_xlsx, xlsx_response
from unionserve.core.scope import scope_of, scoped_view
from unionserve.documents.public import GeneratedDocument
from unionserve.workflow.errors import StaleCase
from unionserve.workflow.models import Case
from unionserve.workflow.registry import registry

from . import actions, intake
from .forms import AppointForm, CaseFilterForm, IntakeForm, MediatorForm
from .models import MediationCase, Mediator
from .rules import rank_mediators, suggest_mediator, with_load

PAGE = 25


def may_open(user) -> bool:
    opening = registry.get("mediation").opening
    unit = user.org_unit
    return unit is not None and unit.level in opening.levels and any(r in opening.roles for r in user.role_names)


def _query(request: AuthenticatedHttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _cases(user):
    return scope_of(user).filter(MediationCase.objects.select_related(
        "case", "case__current_unit", "mediator")).order_by("-case__opened_at")


@scoped_view
@require_GET
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse | FileResponse:
    """Mediation cases the user may read, newest first."""
    form = CaseFilterForm(request.GET or None)
    qs = _cases(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            q = data["q"].strip()
            qs = qs.filter(Q(case__number__icontains=q) | Q(employer_name__icontains=q)
                           | Q(parties__name__icontains=q)).distinct()
        if data["status"] == "open":
            qs = qs.filter(case__closed_at__isnull=True)
        elif data["status"] == "closed":
            qs = qs.filter(case__closed_at__isnull=False)
        if data["path"]:
            qs = qs.filter(path=data["path"])
    if wants_xlsx(request):
        return xlsx_response(
            filename="mediation", title=_("Labor-dispute mediation"),
            headers=[_("Number"), _("Case"), _("Kind of dispute"), _("State"), _("Outcome"), _("Handled by"),
                     _("Mediator"), _("Due"), pgettext("case", "Closed at")],
            rows=((mc.case.number, mc.case.title, mc.get_dispute_type_display(), mc.case.state_label(),
                   mc.get_outcome_display() if mc.outcome else "",
                   mc.case.current_unit.name if mc.case.current_unit else "",
                   mc.mediator.name if mc.mediator else "", mc.case.due_at, mc.case.closed_at)
                  for mc in qs[:EXPORT_MAX_ROWS + 1]))
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(request, "mediation/case_list.html", {
        "export_url": export_link(request),
        "form": form, "page": page, "query": _query(request), "may_open": may_open(request.user),
        "may_manage": request.user.has_perm(roles.MANAGE_MEDIATORS),
        "is_mediator": Mediator.objects.filter(user=request.user).exists()})


@scoped_view
@require_GET
def my_cases(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The mediator's own cases: those they are appointed to (read through the scope as always)."""
    qs = _cases(request.user).filter(mediator__user=request.user)
    open_cases = qs.filter(case__closed_at__isnull=True)
    closed = qs.filter(case__closed_at__isnull=False)[:50]
    return render(request, "mediation/my_cases.html", {"open_cases": open_cases, "closed": closed})


@scoped_view
@require_http_methods(["GET", "POST"])
def new_case(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Receive an application: at level 1 (then accept and dispatch), 2, or 3 (then mediate or report up)."""
    if not may_open(request.user):
        raise PermissionDenied(_("Your roles do not include receiving mediation applications."))
    assert request.user.org_unit is not None  # may_open requires one
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        channel, comment = data.pop("channel"), data.pop("comment")
        try:
            case = intake.open_mediation(request.user, data=data, channel=channel, comment=comment)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Case %(number)s opened. Decide on its acceptance today.")
                             % {"number": case.number})
            return redirect("workflow:case", case.number)
    return render(request, "mediation/new.html", {"form": form, "level": request.user.org_unit.level},
                  status=400 if form.errors else 200)


@scoped_view
@require_POST
def appoint(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """Appoint (or change) the mediator of a case the user's unit holds."""
    case = scope_of(request.user).get_object_or_404(Case.objects.filter(process="mediation"), number=number)
    mc = MediationCase.objects.get(case=case)
    step = actions.appointing_step(case, request.user)
    if step is None:
        raise PermissionDenied(_("Only the unit that holds the case can appoint its mediator, while it is mediated."))
    form = AppointForm(request.POST, ranked=rank_mediators(step.unit, mc.dispute_type))
    if not form.is_valid():
        messages.error(request, _("Choose a mediator with room for the case."))
        return redirect("workflow:case", case.number)
    try:
        actions.appoint_mediator(case, form.cleaned_data["mediator"], acting_user=request.user,
                                 version=form.cleaned_data["version"], request=request)
    except StaleCase as exc:
        messages.error(request, " ".join(exc.messages))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Mediator appointed: %(name)s.") % {"name": form.cleaned_data["mediator"].name})
    return redirect("workflow:case", case.number)


# --- mediator registry --------------------------------------------------------------------------


@scoped_view
@permission_required(roles.MANAGE_MEDIATORS, raise_exception=True)
@require_GET
def mediator_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The mediators of the user's part of the organization, with their current load."""
    qs = with_load(scope_of(request.user).filter(Mediator.objects.select_related("unit", "user")))
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(unit__name__icontains=q) | Q(unit__code=q))
    page = Paginator(qs.order_by("unit__code", "name"), 50).get_page(request.GET.get("page"))
    return render(request, "mediation/mediator_list.html", {"page": page, "q": q, "query": _query(request)})


@scoped_view
@permission_required(roles.MANAGE_MEDIATORS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def mediator_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a mediator, or change one (optimistic lock: a concurrent change is refused)."""
    mediator = None
    if pk is not None:
        mediator = scope_of(request.user).get_object_or_404(Mediator.objects.select_related("unit", "user"), pk=pk)
    initial = {"unit": request.user.org_unit.code if request.user.org_unit else "", "max_load": 8, "active": True}
    if mediator is not None:
        initial = {"unit": mediator.unit.code, "name": mediator.name, "username": mediator.user.username
                   if mediator.user else "", "phone": mediator.phone, "specialties": mediator.specialties,
                   "max_load": mediator.max_load, "active": mediator.active, "version": mediator.version}
    form = MediatorForm(request.POST or None, initial=initial, user=request.user)
    form.instance_pk = mediator.pk if mediator else None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            values = {"unit": data["unit"], "name": data["name"], "user": data["username"], "phone": data["phone"],
                      "specialties": list(data["specialties"]), "max_load": data["max_load"],
                      "active": data["active"]}
            try:
                if mediator is None:
                    mediator = actions.create_mediator(acting_user=request.user, **values)
                else:
                    actions.update_mediator(mediator, acting_user=request.user, version=data["version"] or 0,
                                            **values)
            except ValidationError as exc:
                form.add_error(None, exc)
                status = 409 if isinstance(exc, actions.StaleRecord) else 400
            else:
                messages.success(request, _("Mediator %(name)s saved.") % {"name": mediator.name})
                return redirect("mediation:mediators")
        else:
            status = 400
    cases: list[MediationCase] | QuerySet[MediationCase] = []
    if mediator is not None:
        cases = scope_of(request.user).filter(mediator.cases.select_related("case")).order_by("-case__opened_at")[:30]
    return render(request, "mediation/mediator_edit.html", {"form": form, "mediator": mediator, "cases": cases},
                  status=status)


# --- the case-page panel and the member-page section ---------------------------------------------------


def case_panel(case: Case, user) -> dict | None:
    """Context of the mediation panel on the engine's case page (None for other processes)."""
    if case.process != "mediation":
        return None
    mc = (MediationCase.objects.select_related("mediator", "mediator__unit", "employer")
          .prefetch_related("parties__member", "claims").filter(case=case).first())
    if mc is None:
        return None
    appoint_form, suggestion = None, None
    step = actions.appointing_step(case, user)
    if step is not None:
        ranked = rank_mediators(step.unit, mc.dispute_type)
        suggestion = suggest_mediator(step.unit, mc.dispute_type)
        initial = {"version": case.version, "mediator": (mc.mediator_id if mc.mediator_id
                                                         else suggestion.pk if suggestion else None)}
        appoint_form = AppointForm(initial=initial, ranked=ranked, auto_id="id_appoint_%s")
    documents = scope_of(user).filter(GeneratedDocument.objects.filter(case=case)).select_related("created_by")
    return {"mc": mc, "appoint_form": appoint_form, "suggestion": suggestion, "documents": documents,
            "can_appoint": step is not None, "may_see_members": user.has_perm(roles.VIEW_MEMBERS)}


def member_section(member, user) -> dict | None:
    """The member page's list of the member's mediation cases (through the user's scope)."""
    cases = list(scope_of(user).filter(MediationCase.objects.filter(parties__member=member))
                 .select_related("case", "mediator").distinct().order_by("-case__opened_at")[:20])
    if not cases:
        return None
    return {"mediation_cases": cases}
