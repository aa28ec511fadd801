"""The demo knowledge base: seeded once, idempotent, and the suggestions find its articles."""

from __future__ import annotations

import pytest

from unionserve.core.roles import Role
from unionserve.knowledge import search
from unionserve.knowledge.demo import ANSWERS, ARTICLES, DRAFTS, seed_demo_knowledge
from unionserve.knowledge.models import AnsweredQuestion, Article, ArticleStatus

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_searchable(tree, make_user, categories):
    make_user(tree["city"], Role.HOTLINE_AGENT, username="agent")
    make_user(tree["city"], Role.CITY_OFFICE, username="cityoffice")
    make_user(tree["dept"], Role.DEPARTMENT_STAFF, username="legaldept")
    assert seed_demo_knowledge() == len(ARTICLES) + len(DRAFTS)
    assert seed_demo_knowledge() == 0
    assert Article.objects.filter(status=ArticleStatus.PUBLISHED).count() == len(ARTICLES) >= 30
    assert Article.objects.filter(status=ArticleStatus.IN_REVIEW).count() == 1
    assert AnsweredQuestion.objects.count() == len(ANSWERS)
    top = search.suggest("公司拖欠我两个月工资怎么办")
    assert top.articles[0].article.title == "单位拖欠工资怎么办"
    assert top.answers[0].answer.case_number == "RX20261103-0012"
    assert search.suggest("京卡丢失了怎么补办").articles[0].article.title == "京卡丢失补办"
    assert search.suggest("下班路上被电动车撞了算工伤吗").articles[0].article.title == "上下班途中交通事故算工伤吗"
    assert search.suggest("孩子考上大学了有助学金吗").articles[0].article.title == "金秋助学申请"


def test_demo_seed_needs_the_demo_accounts(db):
    assert seed_demo_knowledge() == 0


def test_demo_articles_state_the_seed_rules_as_written(tree, make_user, categories):
    """Legal aid counts from receipt (seed 000 §四.6: 接到申请之日起); the skills boost is for members (002 §二(一))."""
    make_user(tree["city"], Role.HOTLINE_AGENT, username="agent")
    make_user(tree["city"], Role.CITY_OFFICE, username="cityoffice")
    make_user(tree["dept"], Role.DEPARTMENT_STAFF, username="legaldept")
    seed_demo_knowledge()
    texts = " ".join(Article.objects.values_list("answer", flat=True)) + " ".join(
        AnsweredQuestion.objects.values_list("answer", flat=True))
    assert "自受理之日起5日" not in texts and "自接到申请之日起5日内审核" in texts
    legal = Article.objects.get(title="工会法律援助的申请条件").answer
    assert "2日内上报" in legal and "3日内审核" in legal
    skills = Article.objects.get(title__startswith="技能助推")
    assert "技能提升补贴" not in skills.answer and "会员" in skills.answer and "助推资助" in skills.answer


def test_knowledge_list_exports_what_it_lists(client, tree, make_user, categories):
    """The list's Excel file holds the filtered articles the page lists (a reader sees published ones only)."""
    import io

    import openpyxl
    from django.urls import reverse

    make_user(tree["city"], Role.HOTLINE_AGENT, username="agent")
    make_user(tree["city"], Role.CITY_OFFICE, username="cityoffice")
    make_user(tree["dept"], Role.DEPARTMENT_STAFF, username="legaldept")
    seed_demo_knowledge()
    client.force_login(make_user(tree["st1"], Role.SOCIAL_WORKER))
    assert "format=xlsx" in client.get(reverse("knowledge:list")).content.decode()
    response = client.get(reverse("knowledge:list"), {"q": "京卡 补办", "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
        values_only=True))
    titles = [r[0] for r in rows[1:]]
    assert rows[0][0] in ("标题", "Title") and "京卡丢失补办" in titles and "技能助推资助申请（草稿）" not in titles
    everything = client.get(reverse("knowledge:list"), {"format": "xlsx"})
    all_titles = [r[0] for r in openpyxl.load_workbook(io.BytesIO(b"".join(everything.streaming_content)))
                  .active.iter_rows(min_row=2, values_only=True)]
    assert len(all_titles) == Article.objects.filter(status=ArticleStatus.PUBLISHED).count()
