"""The knowledge base of the 12351 hotline: reviewed articles, and the index of past answered requests.

Both tables keep a pre-segmented copy of their text (``search_*`` columns, see ``segment.py``) that the
database's own full-text index covers: SQLite FTS5 external-content tables kept in sync by triggers, or
PostgreSQL generated ``tsvector`` columns with GIN indexes (migration 0002, ``fulltext.py``).

Articles are city-wide reference data (no org unit): every user who may see them sees all of them.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .segment import index_text


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class Article(models.Model):
    """A knowledge article: a typical question and the answer the hotline gives, valid between two dates.

    Lifecycle: draft → in review → published (approved by the city office, never by its author) → retired;
    a rejected article goes back to draft; editing a published or retired article makes it a draft again.
    """

    title = models.CharField(_("title"), max_length=200)
    category = models.ForeignKey("hotline.Category", models.PROTECT, related_name="+", verbose_name=_("category"))
    question = models.TextField(_("typical question"), blank=True,
                                help_text=_("How callers usually put it; used for matching."))
    keywords = models.CharField(_("keywords"), max_length=200, blank=True,
                                help_text=_("Other words callers use, separated by spaces."))
    answer = models.TextField(_("answer"))
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid until"), null=True, blank=True,
                                help_text=_("Last day the answer applies; empty: until further notice."))
    status = models.CharField(_("status"), max_length=12, choices=ArticleStatus.choices,
                              default=ArticleStatus.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("author"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("reviewer"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    #: Optimistic lock: an edit or review made on a stale page is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    #: Segmented title and keywords (weighted higher), and segmented question and answer: what the
    #: full-text index covers. Written by `refresh_search_fields`, never by hand.
    search_title = models.TextField(blank=True, editable=False)
    search_body = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        # Category first: most articles are published, so an index led by the status selects nothing and only
        # tempts PostgreSQL into AND-ing its bitmap with the full-text one.
        indexes = [models.Index(fields=["category", "status"], name="knowledge_article_cat_status"),
                   models.Index(fields=["-updated_at"], name="knowledge_article_updated")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # Every save of the text keeps the index text in step (the triggers or the generated column do the rest);
        # a save of the status alone leaves the index alone.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or set(update_fields) & {"title", "keywords", "question", "answer"}:
            self.refresh_search_fields()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "search_title", "search_body"}
        super().save(*args, **kwargs)

    def refresh_search_fields(self) -> dict[str, str]:
        """Segment the text into the ``search_*`` fields; returns them (for a queryset update)."""
        self.search_title = index_text(self.title, self.keywords)
        self.search_body = index_text(self.question, self.answer)
        return {"search_title": self.search_title, "search_body": self.search_body}

    def is_valid_on(self, day: dt.date) -> bool:
        """Whether the answer applies on ``day`` (both ends inclusive; no end date: open-ended)."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def is_current(self) -> bool:
        """Published and valid today: what the suggestions show."""
        return self.status == ArticleStatus.PUBLISHED and self.is_valid_on(timezone.localdate())


class RevisionAction(models.TextChoices):
    CREATED = "created", _("Created")
    EDITED = "edited", _("Edited")
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved and published")
    REJECTED = "rejected", _("Returned to the author")
    RETIRED = "retired", _("Retired")


class ArticleRevision(models.Model):
    """One change of an article: who, when, what (old and new value of each changed field)."""

    article = models.ForeignKey(Article, models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("action"), max_length=12, choices=RevisionAction.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=12, choices=ArticleStatus.choices)
    #: {field: [old, new]} for edits; empty for status changes.
    changes = models.JSONField(default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("article revision")
        verbose_name_plural = _("article revisions")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.version} {self.action}"


class AnsweredQuestion(models.Model):
    """A past request that the hotline answered, kept for "similar requests" (written by `indexing.record_answer`).

    ``category_id`` is a plain integer (the hotline's category id), not a foreign key: the hotline app feeds this
    index and must not depend on the knowledge base's schema.
    """

    source_id = models.BigIntegerField(_("source request"), unique=True)
    case_number = models.CharField(_("case number"), max_length=40)
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"))
    category_id = models.IntegerField(_("category"), null=True, blank=True, db_index=True)
    answered_at = models.DateTimeField(_("answered at"))
    #: The segmented question: what the full-text index covers.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        verbose_name = _("answered request")
        verbose_name_plural = _("answered requests")

    def __str__(self) -> str:
        return self.case_number

    def save(self, *args, **kwargs):
        self.search_text = index_text(self.question)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)
