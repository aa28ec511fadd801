"""Pages of broadcast appeals: list, new/edit (criteria with a live count), preview and confirm, detail with the
delivery counts (refreshed by htmx), cancel. Thin: read through the scope, validate, call `actions`, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from unionserve.core import roles
from unionserve.core.scope import scope_of, scoped_view

from . import actions, rules, selection, sending
from .forms import BroadcastForm, ConfirmForm, CriteriaForm, VersionForm
from .models import Broadcast, BroadcastStatus

PAGE = 30


def _broadcast(request: HttpRequest, pk: int) -> Broadcast:
    return scope_of(request.user).get_object_or_404(
        Broadcast.objects.select_related("created_by", "unit", "confirmed_by", "cancelled_by"), pk=pk)


@scoped_view
@permission_required(roles.SEND_BROADCAST, raise_exception=True)
@require_GET
def broadcast_list(request: HttpRequest) -> HttpResponse:
    """The appeals of the user's scope, newest first."""
    qs = scope_of(request.user).filter(Broadcast.objects.select_related("created_by", "unit"))
    return render(request, "broadcasts/list.html", {"page": Paginator(qs, PAGE).get_page(request.GET.get("page"))})


def _form_page(request: HttpRequest, broadcast: Broadcast | None) -> HttpResponse:
    initial = None
    if broadcast is not None:
        initial = {"title": broadcast.title, "body": broadcast.body, **broadcast.criteria}
    form = BroadcastForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if broadcast is None:
                broadcast = actions.create_broadcast(title=data["title"], body=data["body"],
                                                     criteria=form.criteria(), acting_user=request.user)
            else:
                version = int(request.POST.get("version") or 0)
                broadcast = actions.update_broadcast(broadcast, title=data["title"], body=data["body"],
                                                     criteria=form.criteria(), version=version,
                                                     acting_user=request.user)
        except actions.BroadcastError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("broadcasts:confirm", pk=broadcast.pk)
    counts = None
    if form.is_bound and form.is_valid():
        counts = selection.count(request.user, form.criteria())
    elif not form.is_bound:
        counts = selection.count(request.user, broadcast.criteria if broadcast is not None else {})
    return render(request, "broadcasts/form.html", {"form": form, "broadcast": broadcast, "counts": counts,
                                                     "placeholders": rules.PLACEHOLDERS})


@scoped_view
@permission_required(roles.SEND_BROADCAST, raise_exception=True)
@require_http_methods(["GET", "POST"])
def broadcast_new(request: HttpRequest) -> HttpResponse:
    """Write the appeal and choose whom it reaches; saving leads to the preview (nothing is sent yet)."""
    return _form_page(request, None)


@scoped_view
@permission_required(roles.SEND_BROADCAST, raise_exception=True)
@require_http_methods(["GET", "POST"])
def broadcast_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft."""
    broadcast = _broadcast(request, pk)
    if broadcast.status != BroadcastStatus.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("broadcasts:detail", pk=broadcast.pk)
    return _form_page(request, broadcast)


@scoped_view
@permission_required(roles.SEND_BROADCAST, raise_exception=True)
@require_GET
def count_view(request: HttpRequest) -> HttpResponse:
    """The live count for the criteria being chosen (an htmx fragment of the form page)."""
    form = CriteriaForm(request.GET, user=request.user)
    counts = selection.count(request.user, form.criteria()) if form.is_valid() else None
    return render(request, "broadcasts/_count.html", {"counts": counts, "form": form})


def _preview(request: HttpRequest, broadcast: Broadcast) -> dict:
    sample = (selection.with_phone(selection.members_for(request.user, broadcast.criteria))
              .select_related("grassroots").order_by("pk").first())
    text = rules.fill(broadcast.body, name=sample.name if sample else _("(name)"),
                      union=sample.grassroots.name if sample else _("(union)"))
    return {"sample": sample, "text": text}


@scoped_view
@permission_required(roles.SEND_BROADCAST, raise_exception=True)
@require_http_methods(["GET", "POST"])
def confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Preview (the text for a sample member, the count) and confirm; the count is checked again on sending."""
    broadcast = _broadcast(request, pk)
    if broadcast.status != BroadcastStatus.DRAFT:
        return redirect("broadcasts:detail", pk=broadcast.pk)
    counts = selection.count(request.user, broadcast.criteria)
    error = None
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        if form.is_valid():
            try:
                actions.confirm_and_send(broadcast, expected=form.cleaned_data["expected"],
                                         version=form.cleaned_data["version"], acting_user=request.user,
                                         request=request)
            except actions.CountChanged as exc:
                error, counts = str(exc), exc.counts
            except actions.BroadcastError as exc:
                error = str(exc)
                broadcast.refresh_from_db()
            else:
                messages.success(request, _("The appeal is being sent."))
                return redirect("broadcasts:detail", pk=broadcast.pk)
        else:
            error = _("The confirmation was incomplete; confirm again.")
    return render(request, "broadcasts/confirm.html", {
        "broadcast": broadcast, "counts": counts, "error": error, "criteria": selection.describe(broadcast.criteria),
        "rate": rules.rate_per_minute(), **_preview(request, broadcast),
        "minutes": -(-counts.with_phone // rules.rate_per_minute()),
    }, status=409 if error else 200)


def _detail_context(request: HttpRequest, broadcast: Broadcast) -> dict:
    return {"broadcast": broadcast, "counts": sending.delivery_counts(broadcast),
            "criteria": selection.describe(broadcast.criteria)}


@scoped_view
@permission_required(roles.SEND_BROADCAST, raise_exception=True)
@require_GET
def detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One appeal: text, criteria, what was confirmed, and the delivery counts."""
    return render(request, "broadcasts/detail.html", _detail_context(request, _broadcast(request, pk)))


@scoped_view
@permission_required(roles.SEND_BROADCAST, raise_exception=True)
@require_GET
def progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The counts fragment, polled every few seconds (htmx) while the appeal is being sent."""
    return render(request, "broadcasts/_progress.html", _detail_context(request, _broadcast(request, pk)))


@scoped_view
@permission_required(roles.SEND_BROADCAST, raise_exception=True)
@require_POST
def cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop an appeal: nothing more is queued and queued messages not yet sent are cancelled."""
    broadcast = _broadcast(request, pk)
    form = VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise actions.BroadcastError(_("The request was incomplete; reload the page."))
        stopped = actions.cancel_broadcast(broadcast, version=form.cleaned_data["version"],
                                           acting_user=request.user, request=request)
    except actions.BroadcastError as exc:
        messages.error(request, str(exc))
    else:
        messages.info(request, _("The appeal was cancelled; %(n)s queued messages will not be sent.") % {"n": stopped})
    return redirect("broadcasts:detail", pk=broadcast.pk)
