"""``knowledge_suggest``: the 12351 knowledge suggestions at 100,000 articles and 1,000,000 past requests (issue 6).

Target: p95 ≤ 100 ms. The data come from ``bench.datagen.knowledge`` (loaded once, cached by fingerprint; the
member register and the workflow cases are not touched). Each timed call takes the next of a fixed,
deterministic list of typed requests (the generator's own caller phrasing, different words every call), so
no call is served from a cache of the previous one. Cases:

- ``suggest``: ``knowledge.search.suggest(text)`` — segmentation, term statistics, the two ranked full-text
  queries (top 5 published articles valid today, top 5 similar answered requests) and the two row fetches.
- ``suggest_category``: the same with the request's category (boost of the category, its parent, children).
- ``page``: ``GET /knowledge/suggest/?q=…&category=…`` through django.test.Client in process, as the city
  office's bench user (session, permission, the form, the search, the fragment's template).
- ``suggest_cold``: ``suggest`` with the term statistics forgotten before each call (a fresh process, or the
  first sight of every word: one ``fts5vocab`` count per term on SQLite).
- ``articles_only`` / ``answers_only``: each ranked query alone (which half costs what).

Before the cases, every request of the list is suggested once, untimed: the term statistics of a running
process are warm (they are cached per process), which ``suggest_cold`` does without.
"""

from __future__ import annotations

import itertools
import os
import random
from urllib.parse import urlencode

from bench.harness.registry import Benchmark, Case, Context, Skip, register

TARGET_MS = 100.0
QUERIES = 400


def sizes() -> tuple[int, int]:
    """Articles and answered requests to load (``BENCH_KNOWLEDGE_ARTICLES`` / ``…_ANSWERS`` override)."""
    from bench.datagen.knowledge import DEFAULT_ANSWERS, DEFAULT_ARTICLES

    return (int(os.environ.get("BENCH_KNOWLEDGE_ARTICLES", DEFAULT_ARTICLES)),
            int(os.environ.get("BENCH_KNOWLEDGE_ANSWERS", DEFAULT_ANSWERS)))


def typed_requests(seed: int, n: int = QUERIES) -> list[tuple[str, str]]:
    """(text, category code) of ``n`` requests as an agent would type them (not the loaded rows' seed)."""
    from bench.datagen.knowledge import request_text

    rng = random.Random(f"{seed}-knowledge-queries")  # noqa: S311 - deterministic data, not secrets
    return [request_text(rng) for _ in range(n)]


@register
class KnowledgeSuggest(Benchmark):
    name = "knowledge_suggest"
    description = "Knowledge suggestions (articles + similar answered requests) at 100k articles / 1M requests."

    def setup(self, ctx: Context) -> list[Case]:
        try:
            from unionserve.knowledge import search
        except Exception as exc:  # the app may be mid-edit
            raise Skip(f"the knowledge app does not import: {exc!r}") from exc
        from django.test import Client

        from bench.datagen.knowledge import _categories, ensure_knowledge
        from unionserve.accounts.models import User

        articles, answers = sizes()
        loaded = ensure_knowledge(ctx.scale.seed, articles, answers, log=ctx.log)
        search.clear_stats_cache()
        categories = _categories()
        requests = typed_requests(ctx.scale.seed)
        user = User.objects.filter(username="bench_city").first() or User.objects.filter(is_superuser=True).first()
        if user is None:
            raise Skip("no bench user who may use the suggestions")
        client = Client()
        client.force_login(user)

        def cycle():
            return itertools.cycle(requests)

        texts, texts_cat, texts_page, texts_a, texts_q = cycle(), cycle(), cycle(), cycle(), cycle()

        def run_suggest() -> int:
            text, _code = next(texts)
            result = search.suggest(text)
            return len(result.articles) + len(result.answers)

        texts_cold = cycle()

        def run_suggest_cold() -> int:
            text, _code = next(texts_cold)
            result = search.suggest(text)
            return len(result.articles) + len(result.answers)

        def run_suggest_category() -> int:
            text, code = next(texts_cat)
            result = search.suggest(text, category_id=categories[code])
            return len(result.articles) + len(result.answers)

        def run_page() -> int:
            text, code = next(texts_page)
            response = client.get("/knowledge/suggest/?" + urlencode({"q": text, "category": categories[code]}))
            if response.status_code != 200:
                raise AssertionError(f"suggest answered {response.status_code}")
            return len(response.content)

        def run_articles() -> int:
            from django.utils import timezone

            from unionserve.knowledge.segment import query_terms

            text, _code = next(texts_a)
            return len(search.rank_articles(query_terms(text), valid_on=timezone.localdate(),
                                            statuses=["published"]))

        def run_answers() -> int:
            from unionserve.knowledge.segment import query_terms

            text, _code = next(texts_q)
            return len(search.rank_answers(query_terms(text)))

        # Steady state: an agent's process has seen the common words before (term statistics are cached per
        # process). The first sight of each term is measured on its own in ``suggest_cold``.
        for text, _code in requests:
            search.suggest(text)
        sample = search.suggest(requests[0][0])
        params = {"articles": articles, "answers": answers, "loader": loaded, "user": user.username,
                  "distinct_requests": len(requests), "example": requests[0][0],
                  "example_terms": sample.terms,
                  "example_top_article": sample.articles[0].article.title if sample.articles else None,
                  "example_top_answer": sample.answers[0].answer.question if sample.answers else None}
        return [
            Case("suggest", run=run_suggest, target_ms=TARGET_MS, params=params),
            Case("suggest_category", run=run_suggest_category, target_ms=TARGET_MS, params=params),
            Case("page", run=run_page, target_ms=TARGET_MS, params=params),
            Case("suggest_cold", run=run_suggest_cold, before_each=search.clear_stats_cache, params=params),
            Case("articles_only", run=run_articles, params=params),
            Case("answers_only", run=run_answers, params=params),
        ]
