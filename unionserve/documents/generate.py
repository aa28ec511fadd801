"""Making PDFs from document templates: the published function other apps call.

    from unionserve.documents.generate import generate
    doc = generate("acceptance_notice", case=case, context={...}, user=request.user)

The context must be plain data (strings, numbers, Decimals, dates, lists, dicts): staff-edited templates
never see live objects (see sandbox.py). docs/documents.md lists the variables of each template.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction

from .defaults import PAGE_CSS, SPECS
from .models import DocumentTemplate, GeneratedDocument
from .sandbox import format_date, render_body


class DocumentError(Exception):
    """A document cannot be made (unknown template, a context that is not plain data)."""


def _template(code: str) -> DocumentTemplate:
    try:
        return DocumentTemplate.objects.get(code=code)
    except DocumentTemplate.DoesNotExist:
        raise DocumentError(f"No document template with code {code!r}.") from None


def full_context(template_title: str, context: dict, *, case_number: str = "", issuing_unit: str = "") -> dict:
    """The common variables (case number, today, issuing unit, title) under the caller's own."""
    return {
        "case_number": case_number,
        "today": format_date(timezone.localdate()),
        "issuing_unit": issuing_unit,
        "document_title": template_title,
        **context,
    }


def html_document(title: str, body_html: str) -> str:
    """The rendered body inside the fixed page (fonts, A4 margins, page numbers)."""
    return (f'<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{PAGE_CSS}</style></head><body>{body_html}</body></html>")


def pdf_from_html(html: str) -> bytes:
    """Lay out HTML as PDF. Only data: URLs are fetched: a template cannot read files or call the network."""
    import weasyprint  # imported here: it loads Pango, which only PDF-making processes need
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=("data",), timeout=1, allow_redirects=False)
    return weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf()


def render_html(body: str, title: str, context: dict) -> str:
    """Render a template body (may raise TemplateSyntaxError, TypeError for non-plain data) to full HTML."""
    return html_document(title, render_body(body, context))


def render_preview(code: str, context: dict | None = None, *, body: str | None = None,
                   title: str | None = None) -> bytes:
    """A PDF of template `code` (or of an unsaved `body`) with `context` (default: the sample context)."""
    template = _template(code)
    spec = SPECS.get(code)
    title = title or template.title
    ctx = full_context(title, context if context is not None else (spec.sample if spec else {}),
                       case_number="TJ20260101-0001", issuing_unit="北京市职工服务中心")
    return pdf_from_html(render_html(template.body if body is None else body, title, ctx))


@transaction.atomic
def generate(code: str, *, case, context: dict, user, title: str | None = None) -> GeneratedDocument:
    """Make the PDF of template `code` for `case`, store it with the case, and audit it.

    `context` holds the template's variables (docs/documents.md); the case number, today's date, the
    issuing unit and the title are added unless given. Raises DocumentError for an unknown code or
    a context that is not plain data.
    """
    template = _template(code)
    unit = getattr(user, "org_unit", None)
    ctx = full_context(template.title, context, case_number=case.number,
                       issuing_unit=getattr(unit, "name", ""))
    try:
        html = render_html(template.body, template.title, ctx)
    except TypeError as exc:
        raise DocumentError(str(exc)) from exc
    pdf = pdf_from_html(html)
    doc_title = title or f"{template.title} {case.number}"
    doc = GeneratedDocument(case=case, template_code=code, template_version=template.version, title=doc_title[:200],
                            size=len(pdf), sha256=hashlib.sha256(pdf).hexdigest(), created_by=user)
    doc.file.save("document.pdf", ContentFile(pdf), save=False)
    doc.save()
    record(AuditAction.DOCUMENT_GENERATED, actor=user, obj=doc, unit=unit,
           detail={"case": case.number, "template": code, "version": template.version, "sha256": doc.sha256})
    return doc
