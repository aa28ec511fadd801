"""Fixtures of the knowledge-base tests: hotline categories (seeded by the hotline's migration), writers, reviewers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _fresh_stats():
    from unionserve.knowledge import search

    search.clear_stats_cache()
    yield
    search.clear_stats_cache()


@pytest.fixture
def categories(db):
    """The seeded hotline categories by code (LDGX02 工资报酬, HYK01 办卡与补卡, ...)."""
    import importlib

    from django.apps import apps

    from unionserve.hotline.models import Category

    if not Category.objects.exists():  # a transactional test flushed the rows the migration seeded
        importlib.import_module("unionserve.hotline.migrations.0002_seed_categories").seed(apps, None)

    return {c.code: c for c in Category.objects.all()}


@pytest.fixture
def kb_users(tree, make_user):
    from unionserve.core.roles import Role

    return {
        "agent": make_user(tree["city"], Role.HOTLINE_AGENT, username="agent"),
        "agent2": make_user(tree["city"], Role.HOTLINE_AGENT, username="agent2"),
        "office": make_user(tree["city"], Role.CITY_OFFICE, username="office"),
        "office2": make_user(tree["city"], Role.CITY_OFFICE, username="office2"),
        "dept": make_user(tree["dept"], Role.DEPARTMENT_STAFF, username="dept"),
        "social": make_user(tree["st1"], Role.SOCIAL_WORKER, username="social"),
        "grassroots": make_user(tree["g1"], Role.GRASSROOTS_OFFICER, username="grassroots"),
        "mediator": make_user(tree["dc"], Role.MEDIATOR, username="mediator"),
    }


@pytest.fixture
def publish(kb_users, categories):
    """publish(title, answer, code="LDGX02", **fields) → a published article (written by agent, approved by office)."""
    from unionserve.knowledge import actions

    def make(title: str, answer: str, code: str = "LDGX02", *, question: str = "", keywords: str = "",
             valid_from: dt.date | None = None, valid_to: dt.date | None = None):
        article = actions.create_article(acting_user=kb_users["agent"], title=title, category=categories[code],
                                         question=question, keywords=keywords, answer=answer,
                                         valid_from=valid_from or timezone.localdate() - dt.timedelta(days=30),
                                         valid_to=valid_to)
        article = actions.submit_for_review(article, expected_version=article.version, acting_user=kb_users["agent"])
        return actions.approve(article, expected_version=article.version, acting_user=kb_users["office"])

    return make


@pytest.fixture(autouse=True)
def _english(client):
    """Pages in English (the source strings) whatever the catalog holds: assertions read the messages."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
