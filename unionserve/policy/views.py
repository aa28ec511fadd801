"""Policy pages: parameters with the value in force, a parameter's history, propose, approve or reject.

Reading needs ``policy.view_policy``; changing ``policy.change_policy``. Policy numbers are city-wide
configuration, not data of a unit, so the pages read no scoped data.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from unionserve.core import roles
from unionserve.core.scope import scope_exempt

from . import actions, service
from .forms import DecideForm, ProposeForm
from .models import PolicyVersion, Status
from .registry import parameter, parameters

EXEMPT = "policy numbers are city-wide configuration, not data of a unit"


def _area_label(area: str) -> str:
    # The area is the app label of the registering app; its verbose name is the heading users know.
    try:
        return str(apps.get_app_config(area).verbose_name)
    except LookupError:
        return area


def _param_or_404(key: str):
    try:
        return parameter(key)
    except KeyError:
        raise Http404(key) from None


@scope_exempt(reason=EXEMPT)
@permission_required(roles.VIEW_POLICY, raise_exception=True)
def parameter_list(request: HttpRequest) -> HttpResponse:
    service.ensure_defaults()
    pending = set(PolicyVersion.objects.filter(status=Status.PROPOSED).values_list("key", flat=True))
    rows: list[dict[str, Any]] = [{"param": p, "current": service.value(p.key), "pending": p.key in pending}
                                  for p in parameters()]
    groups = [(area, _area_label(area), list(items)) for area, items in groupby(rows, key=lambda r: r["param"].area)]
    return render(request, "policy/list.html", {"groups": groups})


@scope_exempt(reason=EXEMPT)
@permission_required(roles.VIEW_POLICY, raise_exception=True)
def parameter_detail(request: HttpRequest, key: str) -> HttpResponse:
    param = _param_or_404(key)
    current = service.value(key)
    versions = PolicyVersion.objects.filter(key=key).select_related("proposed_by", "decided_by")
    can_change = request.user.has_perm(roles.CHANGE_POLICY)
    return render(request, "policy/detail.html", {
        "param": param, "current": current, "versions": versions, "can_change": can_change,
        "pending": [v for v in versions if v.status == Status.PROPOSED],
        "form": ProposeForm(parameter=param) if can_change else None, "decide_form": DecideForm(),
    })


@scope_exempt(reason=EXEMPT)
@permission_required(roles.CHANGE_POLICY, raise_exception=True)
@require_POST
def propose(request: HttpRequest, key: str) -> HttpResponse:
    param = _param_or_404(key)
    form = ProposeForm(request.POST, parameter=param)
    if form.is_valid():
        try:
            version = actions.propose(key, form.cleaned_data["value"], form.cleaned_data["effective_from"],
                                      acting_user=request.user, reason=form.cleaned_data["reason"],
                                      source=form.cleaned_data["source"], request=request)
        except actions.PolicyError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Version %(n)s proposed; a second person must approve it.")
                             % {"n": version.version})
            return redirect("policy:detail", key=key)
    versions = PolicyVersion.objects.filter(key=key).select_related("proposed_by", "decided_by")
    return render(request, "policy/detail.html", {
        "param": param, "current": service.value(key), "versions": versions, "can_change": True,
        "pending": [v for v in versions if v.status == Status.PROPOSED], "form": form, "decide_form": DecideForm(),
    }, status=400)


@scope_exempt(reason=EXEMPT)
@permission_required(roles.CHANGE_POLICY, raise_exception=True)
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    version = get_object_or_404(PolicyVersion, pk=pk)
    form = DecideForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    decision = request.POST.get("decision")
    handlers = {
        "approve": lambda: actions.approve(pk, acting_user=request.user, note=note, request=request),
        "reject": lambda: actions.reject(pk, acting_user=request.user, note=note, request=request),
        "withdraw": lambda: actions.withdraw(pk, acting_user=request.user, request=request),
    }
    if decision not in handlers:
        messages.error(request, _("Choose approve, reject or withdraw."))
        return redirect("policy:detail", key=version.key)
    try:
        done = handlers[decision]()
    except actions.PolicyError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Version %(n)s: %(status)s.") % {"n": done.version,
                                                                    "status": done.get_status_display()})
    return redirect("policy:detail", key=version.key)
