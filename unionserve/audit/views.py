"""Browse, filter and export the audit log (auditors and administrators, within their scope)."""

from __future__ import annotations

import csv
import datetime as dt

from django import forms
from django.contrib.auth.decorators import permission_required
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from unionserve.core import roles
from unionserve.core.forms import StyledForm
from unionserve.core.paging import LookaheadPaginator
from unionserve.core.scope import scope_of, scoped_view

from .log import record
from .models import AuditAction, AuditEvent

EXPORT_LIMIT = 200_000
PAGE = 50


class AuditFilterForm(StyledForm):
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False,
                               choices=[("", gettext_lazy("All actions")), *AuditAction.choices])
    user = forms.CharField(label=gettext_lazy("User name"), required=False)
    object = forms.CharField(label=gettext_lazy("Object"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def filtered_events(request):
    """The audit events the user may read, narrowed by the filter form."""
    form = AuditFilterForm(request.GET or None)
    qs = scope_of(request.user).filter(AuditEvent.objects.all())
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            qs = qs.filter(action=data["action"])
        if data["user"]:
            qs = qs.filter(actor_username=data["user"].strip())
        if data["object"]:
            qs = qs.filter(object_repr__contains=data["object"].strip())
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            qs = qs.filter(at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tz))
        if data["date_to"]:
            qs = qs.filter(at__lt=dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tz))
    return form, qs


@scoped_view
@permission_required(roles.VIEW_AUDIT, raise_exception=True)
@require_GET
def event_list(request):
    form, qs = filtered_events(request)
    # Newer / older pages, never counted: the log grows by every unmasked view, and counting a scoped million
    # events cost more than the page itself (core.paging).
    page = LookaheadPaginator(qs.select_related("unit"), PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/list.html", {"form": form, "page": page, "query": query.urlencode()})


class _Echo:
    def write(self, value):
        return value


@scoped_view
@permission_required(roles.VIEW_AUDIT, raise_exception=True)
@require_GET
def export_csv(request):
    """The filtered log as CSV (UTF-8 with BOM so Excel opens Chinese correctly). The export is itself logged."""
    form, qs = filtered_events(request)
    record(AuditAction.AUDIT_EXPORTED, request=request, detail={"filter": request.GET.dict()})
    writer = csv.writer(_Echo())
    header = [_("Time"), _("Action"), _("User name"), _("Object type"), _("Object id"), _("Object"), _("Org unit"),
              _("IP address"), _("Detail")]
    tz = timezone.get_current_timezone()

    def rows():
        yield "\ufeff" + writer.writerow(header)
        for e in qs.select_related("unit")[:EXPORT_LIMIT].iterator(chunk_size=2000):
            yield writer.writerow([
                e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S"), e.get_action_display(), e.actor_username,
                e.object_type, e.object_id, e.object_repr, e.unit.name if e.unit else "", e.ip_address or "",
                e.detail,
            ])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{timezone.localdate():%Y%m%d}.csv"'
    return response
