"""Who may do what: the suggestions fragment, the pages, the API; drafts hidden from readers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from unionserve.knowledge import actions
from unionserve.knowledge.indexing import record_answer

pytestmark = pytest.mark.django_db


def test_suggest_endpoint_permissions(client, kb_users, publish):
    publish("京卡补办", "先挂失，再到银行网点补办。", "HYK01")
    url = reverse("knowledge:suggest") + "?q=京卡丢了怎么补办"
    # Hotline, city office, writers, service windows — a worker home's included (seed 000 §一(三)2 接待来访).
    for name in ("agent", "office", "dept", "social", "grassroots"):
        client.force_login(kb_users[name])
        response = client.get(url)
        assert response.status_code == 200, name
        assert "data-copy-to=\"id_answer\"" in response.content.decode()
    for name in ("mediator",):
        client.force_login(kb_users[name])
        assert client.get(url).status_code == 403, name
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_suggest_fragment_content_and_escaping(client, kb_users, publish, categories):
    from django.utils import timezone

    publish("京卡补办", '先挂失，再到"银行"网点<补办>。', "HYK01")
    record_answer(source_id=1, case_number="RX1", question="京卡丢失了", answer="请到服务站补卡。",
                  category_id=categories["HYK01"].pk, answered_at=timezone.now())
    client.force_login(kb_users["agent"])
    html = client.get(reverse("knowledge:suggest"),
                      {"q": "京卡丢了", "category": categories["HYK01"].pk}).content.decode()
    assert 'data-answer="先挂失，再到&quot;银行&quot;网点&lt;补办&gt;。"' in html
    assert "RX1" in html and 'data-answer="请到服务站补卡。"' in html
    assert "<script" not in html
    empty = client.get(reverse("knowledge:suggest"), {"q": "京"}).content.decode()
    assert "as you type" in empty and "data-copy-to" not in empty
    nothing = client.get(reverse("knowledge:suggest"), {"q": "火星移民签证"}).content.decode()
    assert "No article or earlier answer matches" in nothing
    bad = client.get(reverse("knowledge:suggest"), {"q": "京卡丢了", "category": "x"})
    assert bad.status_code == 200 and "RX1" in bad.content.decode()  # an invalid category is ignored


def test_readers_see_only_published_articles(client, kb_users, categories, publish):
    published = publish("京卡补办", "先挂失，再到银行网点补办。", "HYK01")
    draft = actions.create_article(acting_user=kb_users["agent"], title="草稿文章", category=categories["HYK01"],
                                   answer="这是一篇还没有审核的草稿。")
    client.force_login(kb_users["social"])  # INTAKE_REQUESTS only
    assert client.get(reverse("knowledge:detail", args=[published.pk])).status_code == 200
    assert client.get(reverse("knowledge:detail", args=[draft.pk])).status_code == 404
    assert "草稿文章" not in client.get(reverse("knowledge:list")).content.decode()
    assert client.get(reverse("knowledge:history", args=[published.pk])).status_code == 403
    assert client.get(reverse("knowledge:edit", args=[published.pk])).status_code == 403
    assert client.post(reverse("knowledge:create"), {}).status_code == 403
    client.force_login(kb_users["agent"])
    assert client.get(reverse("knowledge:detail", args=[draft.pk])).status_code == 200
    assert client.post(reverse("knowledge:retire", args=[published.pk]), {"version": 1}).status_code == 403
    client.force_login(kb_users["mediator"])
    assert client.get(reverse("knowledge:list")).status_code == 403


def test_api(client, kb_users, categories, publish):
    from django.utils import timezone

    article = publish("京卡补办", "先挂失，再到银行网点补办。", "HYK01")
    draft = actions.create_article(acting_user=kb_users["agent"], title="京卡草稿", category=categories["HYK01"],
                                   answer="京卡草稿的回答内容。")
    record_answer(source_id=5, case_number="RX5", question="京卡丢失了", answer="补卡。", category_id=None,
                  answered_at=timezone.now())
    client.force_login(kb_users["agent"])
    data = client.get("/api/knowledge/suggest", {"q": "京卡丢了怎么补办"}).json()
    assert data["articles"][0]["id"] == article.pk and data["answers"][0]["source_id"] == 5
    assert "京卡" in data["terms"]
    found = client.get("/api/knowledge/articles", {"q": "京卡"}).json()
    assert {a["id"] for a in found} == {article.pk, draft.pk}  # a writer sees drafts
    assert client.get(f"/api/knowledge/articles/{draft.pk}").status_code == 200
    client.force_login(kb_users["social"])
    assert [a["id"] for a in client.get("/api/knowledge/articles", {"q": "京卡"}).json()] == [article.pk]
    assert client.get(f"/api/knowledge/articles/{draft.pk}").status_code == 404
    assert client.get(f"/api/knowledge/articles/{article.pk}").json()["category_name"] == "办卡与补卡"
    client.force_login(kb_users["mediator"])
    assert client.get("/api/knowledge/suggest", {"q": "京卡"}).status_code == 403
    assert client.get("/api/knowledge/articles").status_code == 403
