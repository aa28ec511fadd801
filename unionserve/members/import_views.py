"""Import pages: the list of my unit's imports, a new import, a job with its progress, downloads, templates.

Thin views: validate the upload, create the job, hand it to the Celery task (members.tasks.run_import), render.
Every job is read through ``scope_of`` (ImportJob.scope_paths: the importer's unit), so another station's
imports are 404 here exactly like missing ones.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core import roles
from unionserve.core.forms import StyledForm
from unionserve.core.scope import scope_exempt, scope_of, scoped_view
from unionserve.members.models import ImportJob, ImportKind, ImportMode, ImportStatus
from unionserve.members.template import MEMBER_COLUMNS, UNIT_COLUMNS

from .importing.reports import template_csv, template_xlsx
from .importing.runner import create_job

MAX_UPLOAD_MB = 1024
ALLOWED_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".xls")


class ImportForm(StyledForm):
    """The upload; StyledForm points the file field at its help text (the id the page renders)."""

    kind = forms.ChoiceField(label=gettext_lazy("What to import"), choices=ImportKind.choices,
                             initial=ImportKind.MEMBERS)
    mode = forms.ChoiceField(label=gettext_lazy("If some rows have errors"), choices=ImportMode.choices,
                             initial=ImportMode.ALL_OR_NOTHING, widget=forms.RadioSelect)
    file = forms.FileField(label=gettext_lazy("File (the template, as .xlsx or .csv)"),
                           help_text=gettext_lazy("Columns are matched by their headers. Rows are checked one by "
                                                  "one; you get a report of every problem."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(_("Upload the template as .xlsx or .csv."))
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_UPLOAD_MB})
        return upload


def _job(request, pk: int) -> ImportJob:
    return scope_of(request.user).get_object_or_404(
        ImportJob.objects.select_related("created_by", "unit"), pk=pk)


@scoped_view
@permission_required(roles.MANAGE_MEMBERS, raise_exception=True)
@require_GET
def imports(request):
    """The imports of the user's scope, newest first."""
    qs = scope_of(request.user).filter(ImportJob.objects.select_related("created_by", "unit"))
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "members/import_list.html", {"page": page})


@scoped_view
@permission_required(roles.MANAGE_MEMBERS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_new(request):
    """Upload a file: the job is queued and runs in the background; its page shows the progress."""
    from unionserve.members.tasks import run_import

    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = create_job(kind=form.cleaned_data["kind"], mode=form.cleaned_data["mode"], file=upload,
                         original_name=upload.name, acting_user=request.user)
        transaction.on_commit(lambda: run_import.delay(job.pk))
        return redirect("members:import_detail", pk=job.pk)
    return render(request, "members/import_new.html", {"form": form, "member_columns": MEMBER_COLUMNS,
                                                        "unit_columns": UNIT_COLUMNS})


@scoped_view
@permission_required(roles.MANAGE_MEMBERS, raise_exception=True)
@require_GET
def import_detail(request, pk: int):
    return render(request, "members/import_detail.html", {"job": _job(request, pk)})


@scoped_view
@permission_required(roles.MANAGE_MEMBERS, raise_exception=True)
@require_GET
def import_progress(request, pk: int):
    """The progress fragment, polled every second (htmx) until the job has finished."""
    return render(request, "members/import_progress.html", {"job": _job(request, pk)})


@scoped_view
@permission_required(roles.MANAGE_MEMBERS, raise_exception=True)
@require_POST
def import_cancel(request, pk: int):
    """Cancel a job that has not started writing (nothing is written)."""
    job = _job(request, pk)
    updated = ImportJob.objects.filter(pk=job.pk, status__in=[ImportStatus.QUEUED, ImportStatus.VALIDATING]).update(
        status=ImportStatus.CANCELLED)
    if updated:
        messages.info(request, _("The import was cancelled; nothing was written."))
    else:
        messages.error(request, _("This import can no longer be cancelled."))
    return redirect("members:import_detail", pk=job.pk)


@scoped_view
@permission_required(roles.MANAGE_MEMBERS, raise_exception=True)
@require_GET
def import_download(request, pk: int, which: str):
    """The error report or the rejected rows; both hold personal data as uploaded, so the download is audited."""
    job = _job(request, pk)
    field = {"errors": job.error_report, "rejected": job.rejected_file}.get(which)
    if not field or not field.name:
        raise Http404
    with transaction.atomic():
        record(AuditAction.PERSONAL_DATA_EXPORTED, request=request, obj=job, unit=job.unit,
               detail={"import_job": job.pk, "file": which})
    name = f"import-{job.pk}-{'errors' if which == 'errors' else 'rejected'}{field.name[field.name.rfind('.'):]}"
    return FileResponse(field.open("rb"), as_attachment=True, filename=name)


@scope_exempt(reason="the blank template: column headers and rules only, no register data")
@permission_required(roles.MANAGE_MEMBERS, raise_exception=True)
@require_GET
def import_template(request, kind: str, fmt: str):
    """The blank template (XLSX with the sheet 填写说明, or CSV)."""
    columns = {"members": MEMBER_COLUMNS, "units": UNIT_COLUMNS}.get(kind)
    if columns is None or fmt not in ("xlsx", "csv"):
        raise Http404
    label = "会员导入模板" if kind == "members" else "单位导入模板"
    if fmt == "xlsx":
        body = template_xlsx(columns)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, ctype = template_csv(columns), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=ctype)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(label)}.{fmt}"
    return response
