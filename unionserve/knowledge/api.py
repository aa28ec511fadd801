"""The knowledge base over the API: suggestions for a typed request, article search and one article.

City-wide reference data (no org unit): the operations are scope-exempt; permissions as on the pages —
readers (hotline, service windows, writers, reviewers) see published articles, writers and reviewers all.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from unionserve.core.api import MAX_ID, Id
from unionserve.core.scope import scope_exempt

from . import search
from .models import Article, ArticleStatus
from .segment import query_terms
from .views import EXEMPT, SUGGEST_PERMS, can_read, visible_articles

router = Router(tags=["knowledge"])


def _require_any(request, perms) -> None:
    if not any(request.user.has_perm(p) for p in perms):
        raise PermissionDenied(_("Your roles do not include this work."))


class ArticleOut(Schema):
    id: int
    title: str
    category_id: int
    category_name: str
    question: str
    keywords: str
    answer: str
    valid_from: dt.date
    valid_to: dt.date | None
    status: str
    version: int
    updated_at: dt.datetime

    @staticmethod
    def resolve_category_name(obj: Article) -> str:
        return obj.category.name


class ArticleHitOut(Schema):
    id: int
    title: str
    category_id: int
    category_name: str
    valid_from: dt.date
    valid_to: dt.date | None
    answer: str
    snippet: str = Field(description="HTML: a part of the answer, matched words in <mark>")
    score: float


class AnswerHitOut(Schema):
    source_id: int
    case_number: str
    question: str
    answer: str
    category_id: int | None
    answered_at: dt.datetime
    score: float


class SuggestionsOut(Schema):
    terms: list[str] = Field(description="The words the text was segmented into (stop words left out)")
    articles: list[ArticleHitOut]
    answers: list[AnswerHitOut]


class SuggestQuery(Schema):
    q: str = Field("", max_length=500, description="The request as typed")
    category: Id | None = Field(None, description="Id of the request's hotline category (boosts its rows)")


@router.get("/suggest", response=SuggestionsOut, summary="Suggestions for a typed request")
@scope_exempt(reason=EXEMPT)
def suggest(request, query: Query[SuggestQuery]):
    _require_any(request, SUGGEST_PERMS)
    result = search.suggest(query.q, category_id=query.category)
    return {
        "terms": result.terms,
        "articles": [{"id": h.article.pk, "title": h.article.title, "category_id": h.article.category_id,
                      "category_name": h.article.category.name, "valid_from": h.article.valid_from,
                      "valid_to": h.article.valid_to, "answer": h.article.answer, "snippet": str(h.snippet),
                      "score": h.score} for h in result.articles],
        "answers": [{"source_id": h.answer.source_id, "case_number": h.answer.case_number,
                     "question": h.answer.question, "answer": h.answer.answer, "category_id": h.answer.category_id,
                     "answered_at": h.answer.answered_at, "score": h.score} for h in result.answers],
    }


class ArticleQuery(Schema):
    q: str | None = Field(None, max_length=200, description="Words to search for (ranked by relevance)")
    category: Id | None = None
    status: ArticleStatus | None = Field(None, description="Writers and reviewers only; others see published")
    current: bool = Field(False, description="Only articles valid today")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=MAX_ID)


@router.get("/articles", response=list[ArticleOut], summary="Search or list articles")
@scope_exempt(reason=EXEMPT)
def list_articles(request, query: Query[ArticleQuery]):
    if not can_read(request.user):
        raise PermissionDenied(_("Your roles do not include this work."))
    qs = visible_articles(request.user)
    if query.status:
        qs = qs.filter(status=query.status)
    categories = search.related_categories(query.category) if query.category else None
    if categories:
        qs = qs.filter(category_id__in=categories)
    today = timezone.localdate()
    if query.current:
        qs = qs.filter(valid_from__lte=today).exclude(valid_to__lt=today)
    terms = query_terms(query.q or "")
    if not terms:
        return list(qs.order_by("-updated_at", "-pk")[query.offset:query.offset + query.limit])
    statuses: list[str] | None = [query.status] if query.status else None
    if not any(request.user.has_perm(p) for p in ("knowledge.write_articles", "knowledge.review_articles")):
        statuses = [ArticleStatus.PUBLISHED]
    ranked = search.rank_articles(terms, valid_on=today if query.current else None, statuses=statuses,
                                  category_ids=categories, limit=query.limit, offset=query.offset)
    found = qs.in_bulk([pk for pk, _s in ranked])
    return [found[pk] for pk, _s in ranked if pk in found]


@router.get("/articles/{article_id}", response=ArticleOut, summary="One article")
@scope_exempt(reason=EXEMPT)
def get_article(request, article_id: Id):
    if not can_read(request.user):
        raise PermissionDenied(_("Your roles do not include this work."))
    article = visible_articles(request.user).filter(pk=article_id).first()
    if article is None:
        raise Http404
    return article
