"""The knowledge benchmark and its loader at a tiny size, in the test database (the bench smoke tests list it)."""

from __future__ import annotations

import pytest

from bench.datagen.generate import Scale
from bench.harness import runner
from bench.harness.registry import Context

TINY = Scale(seed=7, members=3000, units=600, cases=300, users=40, xlsx_members=300)


@pytest.mark.django_db
def test_loader_and_suggest_benchmark(tmp_path, monkeypatch, tree, make_user):
    from bench.datagen.knowledge import ensure_knowledge, iter_answers, iter_articles
    from unionserve.core.roles import Role
    from unionserve.knowledge import search
    from unionserve.knowledge.models import AnsweredQuestion, Article

    make_user(tree["city"], Role.CITY_OFFICE, username="bench_city")
    first = ensure_knowledge(TINY.seed, 300, 2000, log=lambda _m: None)
    assert first["loaded_now"] and Article.objects.count() == 300 and AnsweredQuestion.objects.count() == 2000
    assert ensure_knowledge(TINY.seed, 300, 2000, log=lambda _m: None)["loaded_now"] is False
    # The index was rebuilt after the bulk load, and the triggers are back for later writes.
    search.clear_stats_cache()
    assert search.suggest("公司拖欠我三个月工资了怎么办").answers
    # Deterministic: the same seed gives the same rows.
    import datetime as dt

    day, at = dt.date(2026, 1, 1), dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert list(iter_articles(20, 7, day)) == list(iter_articles(20, 7, day))
    assert list(iter_answers(20, 7, at)) == list(iter_answers(20, 7, at))

    monkeypatch.setenv("BENCH_KNOWLEDGE_ARTICLES", "300")
    monkeypatch.setenv("BENCH_KNOWLEDGE_ANSWERS", "2000")
    ctx = Context(scale=TINY, db="test", work_dir=tmp_path, repeat=3, warmup=1, processes=1, log=lambda _m: None)
    doc = runner.run(["knowledge_suggest"], ctx, isolate=False, dataset={})
    bench = doc["benchmarks"][0]
    assert bench["status"] == "ok", bench
    assert {c["name"] for c in bench["cases"]} == {"suggest", "suggest_category", "page", "suggest_cold",
                                                   "articles_only", "answers_only"}
    assert all(c["stats"]["n"] == 3 for c in bench["cases"])
