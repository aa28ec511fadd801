"""Pages of served visits: the rates, the ledger, swipe-file imports, activities and their sign-ins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from unionserve.core import roles
from unionserve.core.export import export_link, wants_xlsx, xlsx_response
from unionserve.core.paging import LookaheadPaginator
from unionserve.core.scope import scope_of, scoped_view
from unionserve.orgs.models import OrgUnit

from . import actions, rates
from .forms import ActivityForm, ImportForm, LedgerFilter, RatesForm, SignInForm
from .importing import COLUMNS
from .models import Activity, ServedVisit, SignIn, SwipeImport

PAGE = 50
JUDGED_KINDS = rates.JUDGED_KINDS


def _year(request) -> int:
    form = RatesForm(request.GET)
    if form.is_valid() and form.cleaned_data.get("year"):
        return form.cleaned_data["year"]
    return timezone.localdate().year


def _unit(request, scope) -> OrgUnit:
    unit_id = request.GET.get("unit") or request.user.org_unit_id
    if unit_id:
        return scope.get_object_or_404(OrgUnit.objects.all(), pk=unit_id if str(unit_id).isdigit() else 0)
    root = scope.filter(OrgUnit.objects.filter(region_parent__isnull=True, industry_parent__isnull=True)).first()
    if root is None:
        raise PermissionDenied
    return root


def rates_context(request, year: int) -> dict:
    """The figures of the rates page (and of its Excel file)."""
    scope = scope_of(request.user)
    judged = request.GET.get("level") == "2"
    unit = _unit(request, scope)
    target = rates.target_for(year)
    totals = rates.unit_totals(year, scope)
    if judged:
        below = list(scope.filter(OrgUnit.objects.filter(kind__in=JUDGED_KINDS)).order_by("code"))
    else:
        below = list(scope.filter(OrgUnit.objects.filter(Q(region_parent=unit) | Q(industry_parent=unit)))
                     .order_by("code"))
    pct = target.percent if target else None
    own = rates.rate_of(unit, totals, pct)
    rows = rates.rows_for(below, totals, pct)
    # The months of the user's whole scope for the judged units, else of the chosen unit (inside the scope).
    monthly = rates.monthly(year, scope if judged else rates.unit_scope(unit))
    parents = [p for p in (unit.region_parent, unit.industry_parent) if p is not None and scope.contains_unit(p)]
    return {"unit": unit, "year": year, "target": target, "own": own, "rows": rows, "monthly": monthly,
            "judged": judged, "parents": parents}


@scoped_view
@permission_required(roles.VIEW_VISITS, raise_exception=True)
@require_GET
def rates_view(request):
    """The served-visit rate of a unit and of the units below it (or of every judged unit), ranked."""
    year = _year(request)
    ctx = rates_context(request, year)
    if wants_xlsx(request):
        return xlsx_response(
            filename=f"served-visits-{year}", title=_("Served-visit rates"),
            headers=[_("Rank"), _("Unit"), _("Code"), _("Served visits"), _("Collected members"), _("Rate (%)"),
                     _("Target (%)"), _("Shortfall (visits)")],
            rows=([r.rank, r.unit.name, r.unit.code, r.visits, r.members, r.rate, r.target, r.shortfall]
                  for r in [ctx["own"], *ctx["rows"]]))
    chart = {"names": [r.unit.name for r in ctx["rows"]],
             "rates": [None if r.rate is None else float(r.rate) for r in ctx["rows"]],
             "target": float(ctx["target"].percent) if ctx["target"] else None,
             "months": [m.month for m in ctx["monthly"].months],
             "visits": [m.visits for m in ctx["monthly"].months],
             "last_year": [m.last_year for m in ctx["monthly"].months],
             "labels": {"rate": _("Rate (%)"), "target": _("Target (%)"), "visits": str(year),
                        "last_year": str(year - 1)}}
    this_year = timezone.localdate().year
    return render(request, "visits/rates.html", {
        **ctx, "chart": chart, "export": export_link(request),
        "years": list(range(this_year, max(rates.MIN_YEAR, this_year - 8) - 1, -1)),
    })


def _ledger(request, form: LedgerFilter):
    qs = scope_of(request.user).filter(ServedVisit.objects.select_related("member", "grassroots"))
    if form.is_valid():
        data = form.cleaned_data
        if data.get("day_from"):
            qs = qs.filter(day__gte=data["day_from"])
        if data.get("day_to"):
            qs = qs.filter(day__lte=data["day_to"])
        if data.get("service"):
            qs = qs.filter(service=data["service"].strip())
        if data.get("kind"):
            qs = qs.filter(kind=data["kind"])
    else:
        qs = qs.none()
    return qs.order_by("-day", "-pk")


@scoped_view
@permission_required(roles.VIEW_VISITS, raise_exception=True)
@require_GET
def ledger_view(request):
    """Every served visit in the scope, newest first, filtered by day, service and kind."""
    form = LedgerFilter(request.GET or None)
    qs = _ledger(request, form) if request.GET else _ledger(request, LedgerFilter({}))
    if wants_xlsx(request):
        return xlsx_response(filename="served-visits", title=_("Served visits"),
                             headers=[_("Day"), _("Member"), _("Grassroots union"), _("Service"), _("Kind"),
                                      _("Source")],
                             rows=((v.day, v.member.name, v.grassroots.name, v.service, v.get_kind_display(),
                                    v.source) for v in qs[:10_001]))
    page = LookaheadPaginator(qs, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "visits/ledger.html", {"form": form, "page": page, "query": query.urlencode(),
                                                  "export": export_link(request)})


@scoped_view
@permission_required(roles.VIEW_VISITS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def imports_view(request):
    """The swipe files imported in the scope, and the upload form."""
    may_import = request.user.has_perm(roles.RECORD_VISITS)
    form = ImportForm()
    if request.method == "POST":
        if not may_import:
            raise PermissionDenied
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            f = form.cleaned_data["file"]
            try:
                imp = actions.import_swipes(uploaded=f, original_name=f.name, acting_user=request.user)
            except actions.VisitRefused as exc:
                messages.error(request, str(exc))
            else:
                if imp.refused:
                    messages.error(request, imp.refused)
                else:
                    messages.success(request, _("%(added)d visits added from %(rows)d rows.")
                                     % {"added": imp.visits_added, "rows": imp.rows})
                return redirect("visits:import", pk=imp.pk)
    imports = scope_of(request.user).filter(SwipeImport.objects.select_related("imported_by", "unit"))
    page = LookaheadPaginator(imports.order_by("-imported_at", "-pk"), PAGE).get_page(request.GET.get("page"))
    return render(request, "visits/imports.html", {"form": form, "page": page, "may_import": may_import,
                                                   "columns": COLUMNS})


@scoped_view
@permission_required(roles.VIEW_VISITS, raise_exception=True)
@require_GET
def import_view(request, pk: int):
    """One import: its counts, an earlier import of the same file, the error report."""
    scope = scope_of(request.user)
    imp = scope.get_object_or_404(SwipeImport.objects.select_related("imported_by", "unit"), pk=pk)
    earlier = (scope.filter(SwipeImport.objects.filter(checksum=imp.checksum, pk__lt=imp.pk))
               .order_by("-pk").first())
    return render(request, "visits/import.html", {"imp": imp, "earlier": earlier})


@scoped_view
@permission_required(roles.VIEW_VISITS, raise_exception=True)
@require_GET
def import_errors_view(request, pk: int):
    """The import's error report as a CSV file (UTF-8 with BOM, as Excel opens it)."""
    imp = scope_of(request.user).get_object_or_404(SwipeImport.objects.all(), pk=pk)
    response = HttpResponse(("\ufeff" + imp.error_report).encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="swipe-import-{imp.pk}-errors.csv"'
    return response


@scoped_view
@permission_required(roles.VIEW_VISITS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def activities_view(request):
    """Activities of the scope, and the form to hold a new one."""
    scope = scope_of(request.user)
    may_record = request.user.has_perm(roles.RECORD_VISITS)
    form = ActivityForm(initial={"day": timezone.localdate(),
                                 "unit": getattr(request.user.org_unit, "code", "")})
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        form = ActivityForm(request.POST)
        if form.is_valid():
            unit = scope.filter(OrgUnit.objects.filter(code=form.cleaned_data["unit"])).first()
            if unit is None:
                form.add_error("unit", _("Choose a unit in your scope."))
            else:
                try:
                    activity = actions.create_activity(
                        name=form.cleaned_data["name"], day=form.cleaned_data["day"], unit=unit,
                        project_code=form.cleaned_data["project_code"], acting_user=request.user)
                except actions.VisitRefused as exc:
                    form.add_error(None, str(exc))
                else:
                    return redirect("visits:activity", pk=activity.pk)
    activities = scope.filter(Activity.objects.select_related("unit")).annotate(n=Count("sign_ins"))
    page = LookaheadPaginator(activities.order_by("-day", "-pk"), PAGE).get_page(request.GET.get("page"))
    return render(request, "visits/activities.html", {"form": form, "page": page, "may_record": may_record})


@scoped_view
@permission_required(roles.VIEW_VISITS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def activity_view(request, pk: int):
    """An activity: the members signed in, and the sign-in form (card number or ID number)."""
    activity = scope_of(request.user).get_object_or_404(Activity.objects.select_related("unit"), pk=pk)
    may_record = request.user.has_perm(roles.RECORD_VISITS)
    form = SignInForm()
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        form = SignInForm(request.POST)
        if form.is_valid():
            try:
                entry = actions.sign_in(activity, card_number=form.cleaned_data["card_number"],
                                        id_number=form.cleaned_data["id_number"], acting_user=request.user)
            except actions.VisitRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("%(name)s signed in.") % {"name": entry.member.name})
                return redirect("visits:activity", pk=activity.pk)
    sign_ins = SignIn.objects.filter(activity=activity).select_related("member", "member__grassroots")
    page = LookaheadPaginator(sign_ins.order_by("-at", "-pk"), PAGE).get_page(request.GET.get("page"))
    return render(request, "visits/activity.html", {"activity": activity, "form": form, "page": page,
                                                    "may_record": may_record,
                                                    "count": sign_ins.count()})


def member_section(member, user) -> dict | None:
    """The member page's "Served visits": the latest visits and the count this year, inside the user's scope."""
    if not user.has_perm(roles.VIEW_VISITS):
        return None
    visits = scope_of(user).filter(ServedVisit.objects.filter(member=member))
    latest = list(visits.order_by("-day", "-pk")[:10])
    if not latest:
        return None
    year = timezone.localdate().year
    return {"served_visits": latest, "visits_this_year": visits.filter(day__year=year).count(), "year": year}
