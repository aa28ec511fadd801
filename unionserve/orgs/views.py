"""Org-tree pages: browse both lines, search, a unit's page, and changes to the tree."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from unionserve.core import roles
from unionserve.core.scope import scope_of, scoped_view

from . import actions
from .forms import CloseForm, MergeForm, MoveForm, RenameForm, UnitCreateForm
from .models import OrgUnit

CHILDREN_PAGE = 50


def _unit(request, pk: int) -> OrgUnit:
    return scope_of(request.user).get_object_or_404(OrgUnit.objects.all(), pk=pk)


def _scope_roots(user) -> list[OrgUnit]:
    """The units at the top of the user's scope (their own unit, or the city center for everybody)."""
    scope = scope_of(user)
    if scope.everything:
        return list(OrgUnit.objects.filter(region_parent__isnull=True, industry_parent__isnull=True))
    return [user.org_unit] if user.org_unit_id else []


@scoped_view
@permission_required(roles.VIEW_UNITS, raise_exception=True)
@require_GET
def browse(request):
    """The tree from the top of the user's scope, expanded level by level (htmx)."""
    return render(request, "orgs/browse.html", {"roots": _scope_roots(request.user)})


@scoped_view
@permission_required(roles.VIEW_UNITS, raise_exception=True)
@require_GET
def children(request, pk: int):
    """One level of children on one line, as a fragment for the tree browser."""
    unit = _unit(request, pk)
    line = request.GET.get("line", "region")
    children = unit.region_children if line == "region" else unit.industry_children
    qs = scope_of(request.user).filter(children.active()).order_by("code")
    page = Paginator(qs, CHILDREN_PAGE).get_page(request.GET.get("page"))
    return render(request, "orgs/_children.html", {"unit": unit, "line": line, "page": page})


@scoped_view
@permission_required(roles.VIEW_UNITS, raise_exception=True)
@require_GET
def search(request):
    """Units by name or code, within scope."""
    q = request.GET.get("q", "").strip()
    results = []
    if q:
        results = list(scope_of(request.user).filter(OrgUnit.objects.search(q)).order_by("level", "code")[:30])
    template = "orgs/_search_results.html" if request.htmx else "orgs/search.html"
    return render(request, template, {"q": q, "results": results})


@scoped_view
@permission_required(roles.VIEW_UNITS, raise_exception=True)
@require_GET
def detail(request, pk: int):
    """A unit: where it sits on both lines, its children, its users and its history."""
    unit = _unit(request, pk)
    scope = scope_of(request.user)
    region_children = scope.filter(unit.region_children.active()).order_by("code")
    industry_children = scope.filter(unit.industry_children.active()).order_by("code")
    context = {
        "unit": unit,
        "region_trail": unit.region_ancestors(),
        "industry_trail": unit.industry_ancestors(),
        "region_children": Paginator(region_children, CHILDREN_PAGE).get_page(request.GET.get("rpage")),
        "industry_children": Paginator(industry_children, CHILDREN_PAGE).get_page(request.GET.get("ipage")),
        "history": unit.events.select_related("actor")[:20],
        "can_manage": request.user.has_perm(roles.MANAGE_UNITS),
        "can_manage_users": request.user.has_perm(roles.MANAGE_USERS) and unit.is_active,
        "scope": scope,
    }
    if request.user.has_perm(roles.VIEW_USERS):
        context["users"] = scope.filter(unit.users.filter(is_active=True)).order_by("username")[:50]
    return render(request, "orgs/detail.html", context)


def _change_view(request, pk: int, form_class, title: str, apply, **form_kwargs):
    unit = _unit(request, pk)
    form = form_class(request.POST or None, user=request.user, **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            result = apply(unit, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("orgs:detail", (result or unit).pk)
    return render(request, "orgs/change.html", {"unit": unit, "form": form, "title": title})


@scoped_view
@permission_required(roles.MANAGE_UNITS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def create_child(request, pk: int, line: str):
    """Add a unit under this one on the given line."""
    parent = _unit(request, pk)
    if line not in ("region", "industry"):
        raise PermissionDenied

    def apply(unit, data):
        other = data["other_parent"]
        return actions.create_unit(
            name=data["name"], kind=data["kind"], code=data["code"], division_code=data["division_code"],
            region_parent=unit if line == "region" else other,
            industry_parent=unit if line == "industry" else other,
            address=data["address"], phone=data["phone"], acting_user=request.user, request=request,
        )

    return _change_view(request, pk, UnitCreateForm, _("Add a unit"), apply, parent=parent, line=line)


@scoped_view
@permission_required(roles.MANAGE_UNITS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def rename(request, pk: int):
    return _change_view(
        request, pk, RenameForm, _("Rename"),
        lambda unit, d: actions.rename_unit(unit, d["name"], reason=d["reason"], acting_user=request.user,
                                            request=request),
    )


@scoped_view
@permission_required(roles.MANAGE_UNITS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def move(request, pk: int):
    return _change_view(
        request, pk, MoveForm, _("Move"),
        lambda unit, d: actions.move_unit(unit, region_parent=d["region_parent"], industry_parent=d["industry_parent"],
                                          reason=d["reason"], acting_user=request.user, request=request),
    )


@scoped_view
@permission_required(roles.MANAGE_UNITS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def merge(request, pk: int):
    return _change_view(
        request, pk, MergeForm, _("Merge into another unit"),
        lambda unit, d: actions.merge_units(unit, d["target"], reason=d["reason"], acting_user=request.user,
                                            request=request),
    )


@scoped_view
@permission_required(roles.MANAGE_UNITS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def close(request, pk: int):
    return _change_view(
        request, pk, CloseForm, _("Close the unit"),
        lambda unit, d: actions.close_unit(unit, reason=d["reason"], acting_user=request.user, request=request),
    )




@scoped_view
@permission_required(roles.VIEW_UNITS, raise_exception=True)
@require_GET
def pick(request):
    """JSON for the unit picker (core.forms.UnitPicker): ``?q=`` searches by name, code or pinyin in the user's
    scope (``&up=1`` adds the user's own ancestors, for filing copies); ``?codes=a,b`` names chosen codes."""
    from django.http import JsonResponse

    from . import picker

    upward = request.GET.get("up") == "1"
    if "codes" in request.GET:
        codes = request.GET.get("codes", "")[:400].replace("，", ",").split(",")
        units = picker.by_codes(request.user, codes, upward=upward)
    else:
        units = picker.search(request.user, request.GET.get("q", ""), upward=upward)
    return JsonResponse({"results": [picker.describe(u) for u in units]})
