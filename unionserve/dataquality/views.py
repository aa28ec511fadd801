"""Pages: the rates of a unit and the units below it, the policy versions, sample-check runs and the check page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from unionserve.core import roles
from unionserve.core.scope import scope_exempt, scope_of, scoped_view
from unionserve.orgs.models import OrgUnit

from . import actions, rules
from .forms import RunForm
from .models import (
    ItemResult,
    QualitySnapshot,
    SampleCheckCase,
    SampleCheckRun,
    policy_in_force,
)

PAGE = 50


def any_permission(*perms: str) -> Callable:
    """Like permission_required, but one of `perms` is enough (403 otherwise)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(request.user.has_perm(p) for p in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int
    minimum: Decimal

    @property
    def percent(self) -> Decimal | None:
        return rules.percent(self.numerator, self.denominator)

    @property
    def below(self) -> bool:
        return rules.below(self.numerator, self.denominator, self.minimum)


@dataclass(frozen=True)
class Row:
    unit: OrgUnit
    snapshot: QualitySnapshot | None
    unit_pass: Rate | None
    collection: Rate | None
    accuracy: Rate | None

    @property
    def flagged(self) -> bool:
        return any(r is not None and r.below for r in (self.unit_pass, self.collection, self.accuracy))


def _row(unit: OrgUnit, snap: QualitySnapshot | None) -> Row:
    if snap is None:
        return Row(unit, None, None, None, None)
    p = snap.policy
    return Row(unit, snap, Rate(snap.employers_passed, snap.employers, p.unit_pass_min),
               Rate(snap.members_collected, snap.members_reported, p.collection_min),
               Rate(snap.items_correct, snap.items_checked, p.accuracy_min))


def _may_recompute(user) -> bool:
    return user.has_perm(roles.VIEW_QUALITY) and user.has_perm(roles.MANAGE_SAMPLE_CHECKS)


@scoped_view
@permission_required(roles.VIEW_QUALITY, raise_exception=True)
@require_GET
def rates_view(request):
    """The user's unit (or a unit below it) and the units directly below, with the three rates."""
    scope = scope_of(request.user)
    units = scope.filter(OrgUnit.objects.all())
    unit_id = request.GET.get("unit") or request.user.org_unit_id
    if unit_id:
        unit = scope.get_object_or_404(OrgUnit.objects.all(), pk=unit_id if str(unit_id).isdigit() else 0)
    else:  # a superuser without a unit: the root of the tree
        root = units.filter(region_parent__isnull=True, industry_parent__isnull=True).order_by("pk").first()
        if root is None:
            raise PermissionDenied
        unit = root
    latest = QualitySnapshot.objects.aggregate(d=Max("date"))["d"]
    children = units.filter(Q(region_parent=unit) | Q(industry_parent=unit)).order_by("kind", "code")
    page = Paginator(children, PAGE).get_page(request.GET.get("page"))
    shown = [unit, *page.object_list]
    snaps = {}
    if latest is not None:
        snaps = {s.unit_id: s for s in QualitySnapshot.objects
                 .filter(date=latest, unit__in=[u.pk for u in shown])}
    own = _row(unit, snaps.get(unit.pk))
    rows = [_row(u, snaps.get(u.pk)) for u in page.object_list]
    parents = [p for p in (unit.region_parent, unit.industry_parent) if p is not None and scope.contains_unit(p)]
    chart = [{"name": r.unit.name, "unit_pass": _num(r.unit_pass), "collection": _num(r.collection),
              "accuracy": _num(r.accuracy)} for r in rows if r.snapshot is not None]
    return render(request, "dataquality/rates.html", {
        "unit": unit, "own": own, "rows": rows, "page": page, "date": latest, "parents": parents,
        "policy": own.snapshot.policy if own.snapshot else policy_in_force(latest),
        "policy_today": policy_in_force(), "definitions": rules.DEFINITIONS, "chart": chart,
        "may_recompute": _may_recompute(request.user),
    })


def _num(rate: Rate | None) -> float | None:
    # The chart only: a float is fine for drawing a bar; every figure shown as text stays Decimal.
    return None if rate is None or rate.percent is None else float(rate.percent)


@scope_exempt(reason="recomputes the city-wide snapshots and shows no data; the rates page scopes the reading")
@permission_required([roles.VIEW_QUALITY, roles.MANAGE_SAMPLE_CHECKS], raise_exception=True)
@require_POST
def recompute_view(request):
    """Recompute today's snapshots now (the nightly task does the same)."""
    try:
        summary = actions.recompute_snapshots(acting_user=request.user)
    except actions.QualityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Rates recomputed for %(n)s units in %(s)s s.")
                         % {"n": summary.units, "s": round(summary.seconds, 1)})
    unit = request.POST.get("unit", "")
    return redirect(f"{_rates_url()}?unit={unit}" if unit.isdigit() else _rates_url())


def _rates_url() -> str:
    from django.urls import reverse

    return reverse("dataquality:rates")


@scope_exempt(reason="policy versions are city-wide reference data, not data of a unit")
@permission_required(roles.VIEW_QUALITY, raise_exception=True)
@require_GET
def policy_view(request):
    """The thresholds are policy parameters now: their versions and changes are on the policy pages."""
    return redirect(reverse("policy:list") + "#area-dataquality")


@scoped_view
@permission_required(roles.VIEW_QUALITY, raise_exception=True)
@require_GET
def runs_view(request):
    """Sample checks over areas in the user's scope, and the checks of units in it."""
    scope = scope_of(request.user)
    runs = scope.filter(SampleCheckRun.objects.select_related("root", "created_by")).annotate(
        n_cases=Count("cases", distinct=True))
    checks = (scope.filter(SampleCheckCase.objects.select_related("run", "unit", "case"))
              .annotate(n_items=Count("items"), n_done=Count("items", filter=~Q(items__result="")))
              .order_by("-run__created_at", "unit__code"))
    return render(request, "dataquality/runs.html", {
        "runs": Paginator(runs, PAGE).get_page(request.GET.get("page")),
        "checks": Paginator(checks, PAGE).get_page(request.GET.get("cpage")),
        "may_create": request.user.has_perm(roles.MANAGE_SAMPLE_CHECKS),
    })


@scoped_view
@permission_required(roles.MANAGE_SAMPLE_CHECKS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def run_create_view(request):
    """Start a sample check under a unit of the user's scope."""
    policy = policy_in_force()
    initial = {"root": request.user.org_unit.code if request.user.org_unit_id else "",
               "sample_size": policy.sample_size_per_unit}
    form = RunForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        root = scope_of(request.user).filter(OrgUnit.objects.active()).filter(code=data["root"].strip()).first()
        if root is None:
            form.add_error("root", _("No active unit with this code in your part of the organization."))
        else:
            try:
                run = actions.create_run(acting_user=request.user, root=root, unit_kind=data["unit_kind"],
                                         sample_size=data["sample_size"], note=data["note"])
            except actions.QualityError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Sample check sent to %(n)s units.") % {"n": run.cases.count()})
                return redirect("dataquality:run", run.pk)
    return render(request, "dataquality/run_form.html", {"form": form, "policy": policy})


@scoped_view
@permission_required(roles.VIEW_QUALITY, raise_exception=True)
@require_GET
def run_detail_view(request, pk: int):
    """One run: its cases, where each stands, and the results so far."""
    scope = scope_of(request.user)
    run = scope.get_object_or_404(SampleCheckRun.objects.select_related("root", "created_by"), pk=pk)
    checks = (scope.filter(run.cases.select_related("unit", "case"))
              .annotate(n_items=Count("items"), n_done=Count("items", filter=~Q(items__result="")),
                        n_correct=Count("items", filter=Q(items__result=ItemResult.CORRECT)))
              .order_by("unit__code"))
    return render(request, "dataquality/run_detail.html", {"run": run, "checks": checks})


@scoped_view
@any_permission(roles.VIEW_QUALITY, roles.MANAGE_MEMBERS)
@require_http_methods(["GET", "POST"])
def check_view(request, number: str):
    """The sampled members of one unit's check; its checkers record each result, then feed back on the case."""
    scope = scope_of(request.user)
    check = scope.get_object_or_404(SampleCheckCase.objects.select_related("run", "unit", "case"),
                                    case__number=number)
    items = list(check.items.select_related("member", "member__employer", "grassroots", "checked_by"))
    may_record = actions.may_record(check, request.user)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        results = {}
        for item in items:
            result = request.POST.get(f"result-{item.pk}", "")
            if result:
                results[item.pk] = (result, request.POST.get(f"note-{item.pk}", ""))
        try:
            n = actions.record_results(check, results, acting_user=request.user)
        except actions.QualityError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(n)s results saved.") % {"n": n})
            return redirect("dataquality:check", number)
    done = sum(1 for i in items if i.result)
    return render(request, "dataquality/check.html", {
        "check": check, "items": items, "may_record": may_record, "results": ItemResult.choices,
        "done": done, "case": check.case, "today": timezone.localdate(),
    })


