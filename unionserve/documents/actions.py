"""Changing document templates: one function, versioned, audited, refusing a template that would break."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.template import TemplateSyntaxError
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction

from .defaults import SPECS
from .generate import full_context
from .models import DocumentTemplate, DocumentTemplateVersion
from .sandbox import render_body


class StaleTemplate(ValidationError):
    """Someone saved the template since this edit started."""


def check_body(code: str, title: str, body: str) -> None:
    """Refuse a body that does not compile, does not render with the sample, or drops required wording."""
    spec = SPECS.get(code)
    try:
        html = render_body(body, full_context(title, spec.sample if spec else {}, case_number="TJ20260101-0001",
                                              issuing_unit="北京市职工服务中心"))
    except TemplateSyntaxError as exc:
        raise ValidationError(_("The template has a syntax error: %(error)s") % {"error": exc}) from exc
    except Exception as exc:  # a filter failing on the sample data is an error in the template too
        raise ValidationError(_("The template cannot be rendered: %(error)s") % {"error": exc}) from exc
    text = strip_tags(html)
    missing = [t for t in (spec.required_text if spec else ()) if t not in text]
    if missing:
        raise ValidationError(_("The document must still say: %(text)s") % {"text": "、".join(missing)})


@transaction.atomic
def save_template(template: DocumentTemplate, *, title: str, body: str, note: str, version: int,
                  acting_user) -> DocumentTemplate:
    """Save a new version of `template` if nobody saved one since `version`; keep the old one in history."""
    check_body(template.code, title, body)
    updated = DocumentTemplate.objects.filter(pk=template.pk, version=version).update(
        title=title, body=body, version=F("version") + 1, updated_by=acting_user, updated_at=timezone.now())
    if not updated:
        raise StaleTemplate(_("Someone else saved this template meanwhile. Reload the page to see their version."))
    template.refresh_from_db()
    DocumentTemplateVersion.objects.create(template=template, version=template.version, title=title, body=body,
                                           note=note[:200], changed_by=acting_user)
    record(AuditAction.DOCUMENT_TEMPLATE_CHANGED, actor=acting_user, obj=template,
           detail={"code": template.code, "version": template.version, "note": note[:200]})
    return template
