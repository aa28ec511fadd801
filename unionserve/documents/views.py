"""Pages: the document templates (list, edit with preview, history), a case's documents and downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from unionserve.accounts.http import AuthenticatedHttpRequest
from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core import roles
from unionserve.core.scope import scope_exempt, scope_of, scoped_view
from unionserve.workflow.models import Case

from . import actions
from .defaults import COMMON_VARIABLES, SPECS
from .forms import TemplateForm
from .generate import full_context, pdf_from_html, render_html, render_preview
from .models import DocumentTemplate, DocumentTemplateVersion, GeneratedDocument

TEMPLATES_EXEMPT = "document templates are city-wide reference data; editing needs MANAGE_DOC_TEMPLATES"


def _pdf_response(pdf: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    from urllib.parse import quote

    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response


@scope_exempt(reason=TEMPLATES_EXEMPT)
@permission_required(roles.MANAGE_DOC_TEMPLATES, raise_exception=True)
@require_GET
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    templates = DocumentTemplate.objects.select_related("updated_by")
    return render(request, "documents/template_list.html", {"templates": templates})


@scope_exempt(reason=TEMPLATES_EXEMPT)
@permission_required(roles.MANAGE_DOC_TEMPLATES, raise_exception=True)
@require_http_methods(["GET", "POST"])
def template_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Edit a template. "Preview" shows the PDF of the unsaved text with sample data; "Save" keeps a new
    version. A syntax error, or an edit that drops required wording, is shown and nothing is saved."""
    template = get_object_or_404(DocumentTemplate, code=code)
    form = TemplateForm(request.POST or None, initial={"title": template.title, "body": template.body,
                                                       "version": template.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "preview" in request.POST:
                actions.check_body(code, data["title"], data["body"])
                spec = SPECS.get(code)
                ctx = full_context(data["title"], spec.sample if spec else {}, case_number="TJ20260101-0001",
                                   issuing_unit=request.user.org_unit.name if request.user.org_unit else "")
                pdf = pdf_from_html(render_html(data["body"], data["title"], ctx))
                return _pdf_response(pdf, f"{data['title']}-preview.pdf")
            actions.save_template(template, title=data["title"], body=data["body"], note=data["note"],
                                  version=data["version"], acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
            status = 409 if isinstance(exc, actions.StaleTemplate) else 400
        else:
            messages.success(request, _("Template saved as version %(v)s.") % {"v": template.version})
            return redirect("documents:template_edit", code)
    elif request.method == "POST":
        status = 400
    return render(request, "documents/template_edit.html", {
        "template": template, "form": form, "spec": SPECS.get(code), "common": COMMON_VARIABLES,
        "versions": template.versions.select_related("changed_by")[:50],
    }, status=status)


@scope_exempt(reason=TEMPLATES_EXEMPT)
@permission_required(roles.MANAGE_DOC_TEMPLATES, raise_exception=True)
@require_GET
def template_preview(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The saved template as a PDF with its sample data."""
    template = get_object_or_404(DocumentTemplate, code=code)
    return _pdf_response(render_preview(code), f"{template.title}-preview.pdf")


@scope_exempt(reason=TEMPLATES_EXEMPT)
@permission_required(roles.MANAGE_DOC_TEMPLATES, raise_exception=True)
@require_GET
def template_version(request: AuthenticatedHttpRequest, code: str, version: int) -> HttpResponse:
    """One earlier version's text, read-only."""
    old = get_object_or_404(DocumentTemplateVersion.objects.select_related("template", "changed_by"),
                            template__code=code, version=version)
    return render(request, "documents/template_version.html", {"old": old})


@scoped_view
@require_GET
def case_documents(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """The documents made for a case the user may read."""
    case = scope_of(request.user).get_object_or_404(Case.objects.all(), number=number)
    docs = scope_of(request.user).filter(GeneratedDocument.objects.filter(case=case)).select_related("created_by")
    return render(request, "documents/case_documents.html", {"case": case, "documents": docs})


@scoped_view
@require_GET
def download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """Download a document of a readable case. The documents carry parties' personal data: each
    download is written to the audit log."""
    doc = scope_of(request.user).get_object_or_404(GeneratedDocument.objects.select_related("case"), pk=pk)
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    record(AuditAction.PERSONAL_DATA_VIEWED, request=request, obj=doc, unit=doc.case.owner_unit,
           detail={"document": doc.pk, "case": doc.case.number, "template": doc.template_code,
                   "what": "document_download"})
    return FileResponse(handle, as_attachment=True, filename=doc.filename, content_type="application/pdf")
