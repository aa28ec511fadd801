"""Every change to a knowledge article, one function each: a revision row and the audit log in the same
transaction, and the article's version checked first (optimistic locking: a stale page is refused).

Lifecycle (issue 6: "articles are written and reviewed by the city office"):
draft → (submit) in review → (approve) published → (retire) retired; a rejected article goes back to draft
with the reviewer's comment; an edit of an article in review, published or retired makes it a draft again,
so every published text has been approved as it stands. Nobody approves a text they wrote or edited since
the last approval (four eyes).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction

from .models import Article, ArticleRevision, ArticleStatus, RevisionAction

ARTICLE_CHANGED = AuditAction.ARTICLE_CHANGED

#: What `create_article` and `update_article` may set.
EDITABLE_FIELDS = ("title", "category", "question", "keywords", "answer", "valid_from", "valid_to")


class ArticleError(ValidationError):
    """A change that the article's state or the rules do not allow."""


class StaleArticle(ArticleError):
    """The article changed since the page was loaded."""


def _stale() -> StaleArticle:
    return StaleArticle(_("Someone else changed this article while you were working on it. Reload the page and "
                          "make your change again."), code="stale")


def _lock(article: Article, expected_version: int) -> Article:
    current = Article.objects.select_for_update().get(pk=article.pk)
    if current.version != expected_version:
        raise _stale()
    return current


def check_dates(valid_from: dt.date | None, valid_to: dt.date | None) -> None:
    """An article's validity must not end before it starts."""
    if valid_from is None:
        raise ArticleError(_("Enter the first day the answer applies."), code="no_start")
    if valid_to is not None and valid_to < valid_from:
        raise ArticleError(_("The last day of validity cannot be before the first day."), code="dates")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _log(article: Article, action: str, *, acting_user, request=None, changes: dict | None = None,
         comment: str = "") -> None:
    ArticleRevision.objects.create(article=article, version=article.version, action=action, by=acting_user,
                                   status=article.status, changes=changes or {}, comment=comment)
    record(ARTICLE_CHANGED, actor=acting_user, request=request, obj=article,
           detail={"action": action, "version": article.version, "status": article.status,
                   "changed": sorted(changes or {})})


@transaction.atomic
def create_article(*, acting_user, request=None, **fields: Any) -> Article:
    """A new draft written by ``acting_user`` (fields from `EDITABLE_FIELDS`)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"create_article cannot set {sorted(unknown)}.")
    check_dates(fields.get("valid_from") or timezone.localdate(), fields.get("valid_to"))
    article = Article(author=acting_user, status=ArticleStatus.DRAFT, **fields)
    article.save()
    _log(article, RevisionAction.CREATED, acting_user=acting_user, request=request,
         changes={name: [None, _plain(getattr(article, name))] for name in EDITABLE_FIELDS})
    return article


@transaction.atomic
def update_article(article: Article, changes: dict[str, Any], *, expected_version: int, acting_user,
                   request=None) -> Article:
    """Change the text, category or validity; a non-draft article becomes a draft again (it needs review)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"update_article cannot change {sorted(unknown)}.")
    article = _lock(article, expected_version)
    diff = {}
    for name, value in changes.items():
        old = getattr(article, name)
        if _plain(old) != _plain(value):
            diff[name] = [_plain(old), _plain(value)]
            setattr(article, name, value)
    if not diff:
        return article
    check_dates(article.valid_from, article.valid_to)
    article.status = ArticleStatus.DRAFT
    article.version += 1
    article.updated_at = timezone.now()
    article.save()
    _log(article, RevisionAction.EDITED, acting_user=acting_user, request=request, changes=diff)
    return article


def _move(article: Article, expected_version: int, allowed_from: tuple[str, ...], to: str, error: str) -> Article:
    article = _lock(article, expected_version)
    if article.status not in allowed_from:
        raise ArticleError(error, code="state")
    article.status = to
    article.version += 1
    article.updated_at = timezone.now()
    return article


@transaction.atomic
def submit_for_review(article: Article, *, expected_version: int, acting_user, comment: str = "",
                      request=None) -> Article:
    """Draft → in review: the city office is asked to approve it."""
    article = _move(article, expected_version, (ArticleStatus.DRAFT,), ArticleStatus.IN_REVIEW,
                    _("Only a draft can be submitted for review."))
    article.save(update_fields=["status", "version", "updated_at"])
    _log(article, RevisionAction.SUBMITTED, acting_user=acting_user, request=request, comment=comment)
    return article


def wrote_current_text(article: Article, user) -> bool:
    """Whether ``user`` created the article or edited its text since it was last approved."""
    if article.author_id == user.pk:
        return True
    last_approval = (article.revisions.filter(action=RevisionAction.APPROVED).order_by("-at", "-id")
                     .values_list("at", flat=True).first())
    edits = article.revisions.filter(action__in=[RevisionAction.CREATED, RevisionAction.EDITED], by=user)
    if last_approval is not None:
        edits = edits.filter(at__gt=last_approval)
    return edits.exists()


@transaction.atomic
def approve(article: Article, *, expected_version: int, acting_user, comment: str = "", request=None) -> Article:
    """In review → published, by a reviewer who did not write the text."""
    article = _move(article, expected_version, (ArticleStatus.IN_REVIEW,), ArticleStatus.PUBLISHED,
                    _("Only an article in review can be approved."))
    if wrote_current_text(article, acting_user):
        raise ArticleError(_("You wrote or edited this text: another reviewer must approve it."), code="own")
    now = timezone.now()
    article.reviewer = acting_user
    article.reviewed_at = now
    article.review_comment = comment
    article.published_at = now
    article.save(update_fields=["status", "version", "updated_at", "reviewer", "reviewed_at", "review_comment",
                                "published_at"])
    _log(article, RevisionAction.APPROVED, acting_user=acting_user, request=request, comment=comment)
    return article


@transaction.atomic
def reject(article: Article, *, expected_version: int, acting_user, comment: str, request=None) -> Article:
    """In review → draft, with the reviewer's reason."""
    comment = (comment or "").strip()
    if not comment:
        raise ArticleError(_("Say what the author should change."), code="no_comment")
    article = _move(article, expected_version, (ArticleStatus.IN_REVIEW,), ArticleStatus.DRAFT,
                    _("Only an article in review can be returned."))
    article.reviewer = acting_user
    article.reviewed_at = timezone.now()
    article.review_comment = comment
    article.save(update_fields=["status", "version", "updated_at", "reviewer", "reviewed_at", "review_comment"])
    _log(article, RevisionAction.REJECTED, acting_user=acting_user, request=request, comment=comment)
    return article


@transaction.atomic
def retire(article: Article, *, expected_version: int, acting_user, comment: str = "", request=None) -> Article:
    """Take an article out of use (it stays readable, with its history; an edit revives it as a draft)."""
    article = _move(article, expected_version,
                    (ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW, ArticleStatus.PUBLISHED), ArticleStatus.RETIRED,
                    _("This article is already retired."))
    article.save(update_fields=["status", "version", "updated_at"])
    _log(article, RevisionAction.RETIRED, acting_user=acting_user, request=request, comment=comment)
    return article
