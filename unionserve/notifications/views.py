"""My notifications (everyone) and the outbox (operators, within their scope)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from unionserve.core import roles
from unionserve.core.scope import scope_exempt, scope_of, scoped_view

from . import actions
from .api import ALL, mark_read, unread_count
from .forms import OutboxFilterForm
from .models import Notification, Status


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@scope_exempt(reason="the user's own notifications")
@require_GET
def notification_list(request):
    """The user's in-app notifications, unread first, newest first."""
    qs = Notification.objects.in_app_for(request.user).annotate(
        is_read=Case(When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
    ).order_by("is_read", "-id")
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "unread": unread_count(request.user)})


@scope_exempt(reason="the user's own notifications")
@require_GET
def open_notification(request, pk: int):
    """Mark one notification read and go to the page it is about."""
    notification = get_object_or_404(Notification.objects.in_app_for(request.user), pk=pk)
    mark_read(request.user, [notification.pk])
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, {request.get_host()}, request.is_secure()):
        return redirect(link)
    return redirect("notifications:list")


@scope_exempt(reason="the user's own notifications")
@require_POST
def mark_read_view(request):
    """Mark the posted ids (or all, with all=1) of the user's notifications read."""
    if request.POST.get("all"):
        count = mark_read(request.user, ALL)
        messages.success(request, ngettext("%(n)d notification marked as read.",
                                           "%(n)d notifications marked as read.", count) % {"n": count})
    else:
        mark_read(request.user, [i for i in request.POST.getlist("ids") if i.isdigit()])
    return redirect(_safe_next(request, reverse("notifications:list")))


@scope_exempt(reason="the user's own notifications")
@require_GET
def unread_badge(request):
    """The unread count as an htmx fragment for the navigation badge."""
    response = render(request, "notifications/_count.html", {"count": unread_count(request.user)})
    response["Cache-Control"] = "no-store"
    return response


def _outbox_rows(request, data) -> tuple[OutboxFilterForm, QuerySet, str]:
    """Rows in the operator's scope narrowed by channel and event, and the status asked for."""
    form = OutboxFilterForm(data or None)
    qs = scope_of(request.user).filter(Notification.objects.all())
    status = ""
    if form.is_valid():
        if form.cleaned_data["channel"]:
            qs = qs.filter(channel=form.cleaned_data["channel"])
        if form.cleaned_data["event"]:
            qs = qs.filter(event=form.cleaned_data["event"])
        status = form.cleaned_data["status"]
    return form, qs, status


@scoped_view
@permission_required(roles.VIEW_OUTBOX, raise_exception=True)
@require_GET
def outbox(request):
    """Every message to recipients in the operator's scope, with counts per status."""
    form, qs, status = _outbox_rows(request, request.GET)
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    status_counts = [(value, label, counts.get(value, 0)) for value, label in Status.choices]
    shown = qs.filter(status=status) if status else qs
    page = Paginator(shown.select_related("recipient_user", "recipient_unit"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    filters = query.copy()
    filters.pop("status", None)
    return render(request, "notifications/outbox.html", {
        "form": form, "page": page, "status_counts": status_counts, "total": sum(counts.values()),
        "status": status, "query": query.urlencode(), "filters": filters.urlencode(),
        "failed": counts.get(Status.FAILED, 0),
    })


@scoped_view
@permission_required(roles.MANAGE_OUTBOX, raise_exception=True)
@require_POST
def retry(request):
    """Queue failed rows again: one (id=…) or all matching the channel/event filter, within scope."""
    form, qs, _status = _outbox_rows(request, request.POST)
    if request.POST.get("id", "").isdigit():
        qs = qs.filter(pk=int(request.POST["id"]))
    count = actions.retry_failed(qs, acting_user=request.user, request=request)
    messages.success(request, ngettext("%(n)d failed notification queued again.",
                                       "%(n)d failed notifications queued again.", count) % {"n": count})
    return redirect(_safe_next(request, reverse("notifications:outbox")))
