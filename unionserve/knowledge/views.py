"""Knowledge-base pages: the article list (search, filters), an article, create/edit, submit, review, retire,
history, "try the suggestions", and the suggestions fragment the hotline workbench loads while the agent
types. Thin: validate, call `actions` or `search`, render.

Articles and the index of answered requests are city-wide reference data with no org unit: every view is
scope-exempt, and who may read or change what follows from the permissions alone.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, QuerySet, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from unionserve.core import roles
from unionserve.core.export import MAX_ROWS as EXPORT_MAX_ROWS
from unionserve.core.export import export_link, wants_xlsx, xlsx_response
from unionserve.core.scope import scope_exempt

from . import actions, search
from .forms import ArticleFilterForm, ArticleForm, ReviewForm, SuggestForm, SuggestQueryForm, TransitionForm
from .models import Article, ArticleStatus
from .segment import query_terms

PAGE = 25
#: How many ranked matches the list page pages through when words are searched.
SEARCH_CAP = 500
EXEMPT = "city-wide knowledge base: articles and answered requests carry no org unit"

#: Who may read the knowledge base and use the suggestions.
READ_PERMS = (roles.HANDLE_HOTLINE, roles.INTAKE_REQUESTS, roles.WRITE_ARTICLES, roles.REVIEW_ARTICLES)
SUGGEST_PERMS = (roles.HANDLE_HOTLINE, roles.INTAKE_REQUESTS, roles.WRITE_ARTICLES)


def can_read(user) -> bool:
    return any(user.has_perm(p) for p in READ_PERMS)


def can_see_drafts(user) -> bool:
    """Writers and reviewers see every status; everyone else only published articles."""
    return user.has_perm(roles.WRITE_ARTICLES) or user.has_perm(roles.REVIEW_ARTICLES)


def any_permission(*perms: str):
    """Like permission_required(raise_exception=True), for "one of these"."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(request.user.has_perm(p) for p in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def visible_articles(user) -> QuerySet[Article]:
    qs = Article.objects.select_related("category", "author", "reviewer")
    if not can_see_drafts(user):
        qs = qs.filter(status=ArticleStatus.PUBLISHED)
    return qs


def _article(request: HttpRequest, pk: int) -> Article:
    try:
        return visible_articles(request.user).get(pk=pk)
    except Article.DoesNotExist as exc:
        raise Http404 from exc


def _query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _validity_q(validity: str, today: dt.date) -> Q:
    if validity == "current":
        return Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    if validity == "future":
        return Q(valid_from__gt=today)
    if validity == "expired":
        return Q(valid_to__lt=today)
    return Q()


@scope_exempt(reason=EXEMPT)
@any_permission(*READ_PERMS)
@require_GET
def article_list(request: HttpRequest) -> HttpResponse | FileResponse:
    """Articles by relevance to the words typed (else newest first), filtered by category, status, validity."""
    user = request.user
    form = ArticleFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    status = data.get("status") or ""
    if not can_see_drafts(user):
        status = ArticleStatus.PUBLISHED
    category = data.get("category")
    categories = search.related_categories(category) if category else None
    qs = visible_articles(user).filter(_validity_q(data.get("validity") or "", today))
    if status:
        qs = qs.filter(status=status)
    if categories:
        qs = qs.filter(category_id__in=categories)
    terms = query_terms(data.get("q") or "")
    if terms:
        valid_on = today if data.get("validity") == "current" else None
        ranked = search.rank_articles(terms, valid_on=valid_on, statuses=[status] if status else None,
                                      category_ids=categories, limit=SEARCH_CAP)
        order = Case(*[When(pk=pk, then=i) for i, (pk, _s) in enumerate(ranked)], output_field=IntegerField())
        qs = qs.filter(pk__in=[pk for pk, _s in ranked]).order_by(order) if ranked else qs.none()
    else:
        qs = qs.order_by("-updated_at", "-pk")
    if wants_xlsx(request):
        show_status = can_see_drafts(user)
        return xlsx_response(
            filename="knowledge", title=_("Knowledge base"),
            headers=[_("Title"), _("Category"), *([_("Status")] if show_status else []), _("Valid from"),
                     _("Valid until"), _("Updated"), _("Answer")],
            rows=((a.title, a.category.name, *([a.get_status_display()] if show_status else []), a.valid_from,
                   a.valid_to, a.updated_at, a.answer) for a in qs.select_related("category")[:EXPORT_MAX_ROWS + 1]))
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    for article in page:
        article.snippet = search.snippet(article.answer, terms)  # type: ignore[attr-defined]  # for the template
    in_review = (Article.objects.filter(status=ArticleStatus.IN_REVIEW).count()
                 if user.has_perm(roles.REVIEW_ARTICLES) else None)
    return render(request, "knowledge/list.html", {
        "form": form, "page": page, "query": _query(request), "today": today, "terms": terms,
        "can_write": user.has_perm(roles.WRITE_ARTICLES), "can_review": user.has_perm(roles.REVIEW_ARTICLES),
        "can_suggest": any(user.has_perm(p) for p in SUGGEST_PERMS), "in_review": in_review,
        "show_status": can_see_drafts(user), "export_url": export_link(request),
    })


def _detail_context(request: HttpRequest, article: Article) -> dict:
    user = request.user
    writer = user.has_perm(roles.WRITE_ARTICLES)
    reviewer = user.has_perm(roles.REVIEW_ARTICLES)
    return {
        "article": article, "today": timezone.localdate(),
        "can_edit": writer,
        "can_submit": writer and article.status == ArticleStatus.DRAFT,
        "can_review": reviewer and article.status == ArticleStatus.IN_REVIEW,
        "own_text": reviewer and article.status == ArticleStatus.IN_REVIEW and actions.wrote_current_text(article,
                                                                                                          user),
        "can_retire": reviewer and article.status != ArticleStatus.RETIRED,
        "show_history": can_see_drafts(user),
        "form": TransitionForm(initial={"version": article.version}),
    }


@scope_exempt(reason=EXEMPT)
@any_permission(*READ_PERMS)
@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One article: its answer, category, validity, status and the actions the user may take."""
    article = _article(request, pk)
    return render(request, "knowledge/detail.html", _detail_context(request, article))


def _form_changes(form: ArticleForm) -> dict:
    return {name: form.cleaned_data[name] for name in actions.EDITABLE_FIELDS}


@scope_exempt(reason=EXEMPT)
@permission_required(roles.WRITE_ARTICLES, raise_exception=True)
@require_http_methods(["GET", "POST"])
def article_create(request: HttpRequest) -> HttpResponse:
    """Write a new article (a draft until the city office approves it)."""
    form = ArticleForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            article = actions.create_article(acting_user=request.user, request=request, **_form_changes(form))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Draft saved. Submit it for review when it is ready."))
            return redirect("knowledge:detail", article.pk)
    return render(request, "knowledge/edit.html", {"form": form, "article": None})


@scope_exempt(reason=EXEMPT)
@permission_required(roles.WRITE_ARTICLES, raise_exception=True)
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an article; a page loaded before somebody else's change is refused (Article.version)."""
    article = _article(request, pk)
    initial = {name: getattr(article, name) for name in actions.EDITABLE_FIELDS}
    initial["category"] = article.category_id
    initial["version"] = article.version
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            was = article.status
            article = actions.update_article(article, _form_changes(form),
                                             expected_version=form.cleaned_data["version"] or 0,
                                             acting_user=request.user, request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if was != ArticleStatus.DRAFT and article.status == ArticleStatus.DRAFT:
                messages.warning(request, _("Saved as a draft: submit it for review to publish it again."))
            else:
                messages.success(request, _("Saved."))
            return redirect("knowledge:detail", article.pk)
    return render(request, "knowledge/edit.html", {"form": form, "article": article})


def _transition(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:
    article = _article(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete. Reload the page and try again."))
        return redirect("knowledge:detail", article.pk)
    try:
        action(article, expected_version=form.cleaned_data["version"], acting_user=request.user,
               comment=form.cleaned_data["comment"], request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("knowledge:detail", article.pk)


@scope_exempt(reason=EXEMPT)
@permission_required(roles.WRITE_ARTICLES, raise_exception=True)
@require_POST
def article_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft → in review."""
    return _transition(request, pk, actions.submit_for_review, _("Submitted for review."))


@scope_exempt(reason=EXEMPT)
@permission_required(roles.REVIEW_ARTICLES, raise_exception=True)
@require_POST
def article_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Take an article out of the suggestions (it stays readable with its history)."""
    return _transition(request, pk, actions.retire, _("Retired: it is no longer suggested."))


@scope_exempt(reason=EXEMPT)
@permission_required(roles.REVIEW_ARTICLES, raise_exception=True)
@require_http_methods(["GET", "POST"])
def article_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve (publish) or return an article in review, with a comment; never one's own text."""
    article = _article(request, pk)
    form = ReviewForm(request.POST or None, initial={"version": article.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                actions.approve(article, expected_version=data["version"], acting_user=request.user,
                                comment=data["comment"], request=request)
                messages.success(request, _("Approved: the article is published."))
            else:
                actions.reject(article, expected_version=data["version"], acting_user=request.user,
                               comment=data["comment"], request=request)
                messages.success(request, _("Returned to the author."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("knowledge:detail", article.pk)
    previous = (article.revisions.filter(action="approved").order_by("-at", "-id").first())
    return render(request, "knowledge/review.html", {
        "article": article, "form": form, "own_text": actions.wrote_current_text(article, request.user),
        "changes": _changes_since(article, previous.at if previous else None),
    })


def _changes_since(article: Article, since) -> list:
    qs = article.revisions.select_related("by").filter(action__in=["created", "edited"])
    if since is not None:
        qs = qs.filter(at__gt=since)
    return list(qs.order_by("at", "id"))


@scope_exempt(reason=EXEMPT)
@any_permission(roles.WRITE_ARTICLES, roles.REVIEW_ARTICLES)
@require_GET
def article_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Every change of an article: who, when, what (old and new values)."""
    article = _article(request, pk)
    revisions = list(article.revisions.select_related("by", "by__org_unit").order_by("-at", "-id"))
    labels = {f.name: f.verbose_name for f in Article._meta.fields}
    for revision in revisions:
        revision.rows = [  # type: ignore[attr-defined]  # for the template
            (labels.get(name, name), pair[0], pair[1]) for name, pair in revision.changes.items()]
    return render(request, "knowledge/history.html", {"article": article, "revisions": revisions})


def _suggestions(request: HttpRequest) -> search.Suggestions:
    form = SuggestQueryForm(request.GET or None)
    if not form.is_valid():
        # A malformed category is ignored rather than failing the agent's typing.
        return search.suggest(str(request.GET.get("q") or "")[:500])
    return search.suggest(form.cleaned_data["q"], category_id=form.cleaned_data["category"])


@scope_exempt(reason=EXEMPT)
@any_permission(*SUGGEST_PERMS)
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """The suggestions fragment (knowledge/_suggestions.html) for ``q`` and optional ``category``.

    Rendered without the request's context processors: the fragment needs none, and they cost queries
    (navigation badges) on every keystroke.
    """
    html = render_to_string("knowledge/_suggestions.html", {"s": _suggestions(request),
                                                            "min_chars": search.MIN_QUERY_CHARS})
    return HttpResponse(html)


@scope_exempt(reason=EXEMPT)
@any_permission(*SUGGEST_PERMS)
@require_GET
def try_suggestions(request: HttpRequest) -> HttpResponse:
    """Type a request as a caller would and see what the agent would be offered; copy an answer with one click."""
    form = SuggestForm(request.GET or None)
    return render(request, "knowledge/try.html", {"form": form, "s": _suggestions(request),
                                                  "min_chars": search.MIN_QUERY_CHARS})
