"""The article lifecycle through the pages: write, submit, review (four eyes), publish, edit, retire; optimistic
locking; history and audit; validation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.knowledge import actions
from unionserve.knowledge.models import Article, ArticleStatus, RevisionAction

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def _form(article: Article, **over) -> dict:
    data = {"version": article.version, "title": article.title, "category": article.category_id,
            "question": article.question, "keywords": article.keywords, "answer": article.answer,
            "valid_from": article.valid_from.isoformat(),
            "valid_to": article.valid_to.isoformat() if article.valid_to else ""}
    data.update(over)
    return data


def test_full_lifecycle_through_the_pages(client, kb_users, categories):
    agent, office = kb_users["agent"], kb_users["office"]
    c = _client(client, agent)
    today = timezone.localdate()
    response = c.post(reverse("knowledge:create"), {
        "title": "工伤认定申请时限", "category": categories["LDGX04"].pk, "question": "受伤了怎么认定工伤",
        "keywords": "工伤 认定", "answer": "单位应在事故伤害发生之日起30日内提出工伤认定申请。",
        "valid_from": today.isoformat(), "valid_to": ""})
    article = Article.objects.get(title="工伤认定申请时限")
    assert response.status_code == 302 and article.status == ArticleStatus.DRAFT and article.author == agent
    assert c.post(reverse("knowledge:submit", args=[article.pk]), {"version": article.version}).status_code == 302
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REVIEW
    # The agent holds no review permission.
    assert c.get(reverse("knowledge:review", args=[article.pk])).status_code == 403
    c = _client(client, office)
    page = c.get(reverse("knowledge:review", args=[article.pk]))
    assert page.status_code == 200 and "30日内".encode() in page.content
    c.post(reverse("knowledge:review", args=[article.pk]),
           {"version": article.version, "decision": "approve", "comment": "同意"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.reviewer == office and article.published_at
    # Editing a published article makes it a draft again.
    c = _client(client, agent)
    c.post(reverse("knowledge:edit", args=[article.pk]), _form(article, answer="单位应当在30日内提出；单位未提出的，"
                                                                              "职工可以在1年内提出。"))
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT and "1年内" in article.answer
    c = _client(client, office)
    c.post(reverse("knowledge:retire", args=[article.pk]), {"version": article.version, "comment": "并入新文章"})
    article.refresh_from_db()
    assert article.status == ArticleStatus.RETIRED
    history = c.get(reverse("knowledge:history", args=[article.pk]))
    assert history.status_code == 200 and "并入新文章".encode() in history.content
    assert list(article.revisions.order_by("at", "id").values_list("action", flat=True)) == [
        RevisionAction.CREATED, RevisionAction.SUBMITTED, RevisionAction.APPROVED, RevisionAction.EDITED,
        RevisionAction.RETIRED]
    edit = article.revisions.get(action=RevisionAction.EDITED)
    assert edit.by == agent and set(edit.changes) == {"answer"}
    assert AuditEvent.objects.filter(action=AuditAction.ARTICLE_CHANGED, object_id=str(article.pk)).count() == 5


def test_author_cannot_approve_own_article(kb_users, categories, client):
    office, office2 = kb_users["office"], kb_users["office2"]
    article = actions.create_article(acting_user=office, title="疗休养报名", category=categories["SHFW01"],
                                     answer="由所在单位工会推荐，名额分配到各区。")
    article = actions.submit_for_review(article, expected_version=article.version, acting_user=office)
    c = _client(client, office)
    response = c.post(reverse("knowledge:review", args=[article.pk]),
                      {"version": article.version, "decision": "approve", "comment": ""})
    assert response.status_code == 200 and b"another reviewer" in response.content
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REVIEW
    # Somebody who edited the text since the last approval cannot approve it either.
    article = actions.update_article(article, {"answer": "由所在单位工会推荐，名额分到各区总工会。"},
                                     expected_version=article.version, acting_user=office2)
    article = actions.submit_for_review(article, expected_version=article.version, acting_user=office2)
    with pytest.raises(actions.ArticleError):
        actions.approve(article, expected_version=article.version, acting_user=office2)
    # The author may still return it with a comment; a third reviewer approves.
    third = kb_users["office2"]
    assert actions.wrote_current_text(article, third)
    article = actions.reject(article, expected_version=article.version, acting_user=office, comment="补充时间")
    assert article.status == ArticleStatus.DRAFT and article.review_comment == "补充时间"


def test_reject_needs_a_comment(kb_users, categories, client):
    article = actions.create_article(acting_user=kb_users["agent"], title="年休假", category=categories["LDGX03"],
                                     answer="累计工作满1年不满10年的，年休假5天。")
    article = actions.submit_for_review(article, expected_version=article.version, acting_user=kb_users["agent"])
    c = _client(client, kb_users["office"])
    response = c.post(reverse("knowledge:review", args=[article.pk]),
                      {"version": article.version, "decision": "reject", "comment": " "})
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REVIEW
    with pytest.raises(actions.ArticleError):
        actions.reject(article, expected_version=article.version, acting_user=kb_users["office"], comment="")


def test_optimistic_locking_refuses_a_stale_edit(kb_users, categories, client):
    article = actions.create_article(acting_user=kb_users["agent"], title="加班费", category=categories["LDGX02"],
                                     answer="工作日加班支付不低于150%的工资。")
    stale = _form(article, answer="工作日加班支付150%，休息日200%。")
    actions.update_article(article, {"title": "加班费的计算"}, expected_version=article.version,
                           acting_user=kb_users["agent2"])
    c = _client(client, kb_users["agent"])
    response = c.post(reverse("knowledge:edit", args=[article.pk]), stale)
    assert response.status_code == 200 and b"Someone else changed" in response.content
    article.refresh_from_db()
    assert article.title == "加班费的计算" and "休息日" not in article.answer and article.version == 2
    with pytest.raises(actions.StaleArticle):
        actions.submit_for_review(article, expected_version=1, acting_user=kb_users["agent"])
    # A stale review is refused too, and nothing is half-applied.
    article = actions.submit_for_review(article, expected_version=2, acting_user=kb_users["agent"])
    with pytest.raises(actions.StaleArticle):
        actions.approve(article, expected_version=2, acting_user=kb_users["office"])
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REVIEW and article.reviewer is None


def test_validity_dates_are_checked(kb_users, categories, client):
    today = timezone.localdate()
    c = _client(client, kb_users["agent"])
    data = {"title": "标准", "category": categories["LDGX02"].pk, "answer": "最低工资标准每月2540元。",
            "valid_from": today.isoformat(), "valid_to": (today - dt.timedelta(days=1)).isoformat()}
    response = c.post(reverse("knowledge:create"), data)
    assert response.status_code == 200 and b"cannot be before" in response.content
    assert not Article.objects.exists()
    data["valid_to"] = today.isoformat()  # one-day validity: allowed
    assert c.post(reverse("knowledge:create"), data).status_code == 302
    with pytest.raises(actions.ArticleError):
        actions.create_article(acting_user=kb_users["agent"], title="x", category=categories["LDGX02"],
                               answer="abcdefghijk", valid_from=today, valid_to=today - dt.timedelta(days=1))
    response = c.post(reverse("knowledge:create"), {"title": "", "category": "", "answer": "短", "valid_from": ""})
    assert response.status_code == 200 and Article.objects.count() == 1


def test_unchanged_edit_keeps_the_version(kb_users, categories):
    article = actions.create_article(acting_user=kb_users["agent"], title="京卡补办", category=categories["HYK01"],
                                     answer="先挂失，再到银行网点补办。")
    same = actions.update_article(article, {"title": "京卡补办"}, expected_version=1, acting_user=kb_users["agent"])
    assert same.version == 1 and same.revisions.count() == 1


def test_pages_render(kb_users, categories, client, publish):
    article = publish("京卡补办", "先挂失，再到银行网点补办。", "HYK01")
    c = _client(client, kb_users["office"])
    for url in (reverse("knowledge:list"), reverse("knowledge:list") + "?q=京卡&status=published&validity=current",
                reverse("knowledge:list") + f"?category={categories['HYK'].pk}",
                reverse("knowledge:detail", args=[article.pk]), reverse("knowledge:edit", args=[article.pk]),
                reverse("knowledge:create"), reverse("knowledge:history", args=[article.pk]),
                reverse("knowledge:try") + "?q=京卡丢了"):
        response = c.get(url)
        assert response.status_code == 200, url
    listing = c.get(reverse("knowledge:list") + "?q=京卡丢失怎么办").content.decode()
    assert "京卡补办" in listing and "<mark>挂失</mark>" not in listing  # 挂失 is not a term typed
    assert c.get(reverse("knowledge:list") + "?q=工伤").content.decode().count(f"knowledge/{article.pk}/") == 0

