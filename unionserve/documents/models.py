"""Document templates the city office edits, their history, and the PDFs generated from them for cases."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentTemplate(models.Model):
    """One kind of document (调解协议书, 受理通知书…): an HTML Django template rendered to PDF.

    Templates are city-wide reference data (one per code); only MANAGE_DOC_TEMPLATES may change them.
    `version` counts saved versions and is the optimistic lock of the edit page.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("what it is for"), blank=True)
    body = models.TextField(_("template (HTML)"))
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["code"]
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class DocumentTemplateVersion(models.Model):
    """Every saved version of a template, kept so a generated document can be traced to its exact text."""

    template = models.ForeignKey(DocumentTemplate, models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("template (HTML)"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("changed by"))
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["template", "-version"]
        constraints = [models.UniqueConstraint(fields=["template", "version"], name="unique_doc_template_version")]

    def __str__(self) -> str:
        return f"{self.template_id} v{self.version}"


def document_path(instance: GeneratedDocument, filename: str) -> str:
    """Stored names never come from user input: a random name under the month."""
    now = timezone.now()
    return f"documents/{now:%Y/%m}/{uuid.uuid4().hex}.pdf"


class GeneratedDocument(models.Model):
    """A PDF made from a template for a case; read only where the case is readable."""

    case = models.ForeignKey("workflow.Case", models.CASCADE, related_name="documents", verbose_name=_("case"))
    template_code = models.CharField(_("template"), max_length=40)
    template_version = models.PositiveIntegerField(_("template version"))
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=document_path, max_length=200)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("made by"))
    created_at = models.DateTimeField(_("made"), default=timezone.now)

    class Meta:
        ordering = ["case", "created_at", "id"]
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_filter(cls, scope) -> Q:
        """Visible exactly where its case is: delegate to the case's own scoping (incl. personal limits)."""
        from unionserve.workflow.models import Case

        return Q(Exists(scope.filter(Case.objects.filter(pk=OuterRef("case_id")))))

    @property
    def filename(self) -> str:
        return f"{self.title}.pdf"
