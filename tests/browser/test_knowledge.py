"""The knowledge base in Chromium: the article form with its "test the suggestions" box, one-click copy of a
suggested answer, and the try-the-suggestions page. Locators use ids and attributes, not UI text."""

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import expect

from unionserve.core.roles import Role

PASSWORD = "Test-pass-123"


@pytest.fixture
def kb(transactional_db, tree, make_user):
    from django.utils import timezone

    from unionserve.hotline.models import Category
    from unionserve.knowledge import actions
    from unionserve.knowledge.indexing import record_answer

    if not Category.objects.exists():  # an earlier transactional test flushed the seeded categories
        importlib.import_module("unionserve.hotline.migrations.0002_seed_categories").seed(apps, None)
    categories = {c.code: c for c in Category.objects.all()}
    agent = make_user(tree["city"], Role.HOTLINE_AGENT, username="agent")
    office = make_user(tree["city"], Role.CITY_OFFICE, username="office")
    article = actions.create_article(acting_user=agent, title="京卡丢失补办", category=categories["HYK01"],
                                     question="会员卡丢了怎么办", keywords="京卡 补办 挂失",
                                     answer="请先拨打发卡银行客服电话挂失，再到服务站申请补卡。")
    article = actions.submit_for_review(article, expected_version=article.version, acting_user=agent)
    actions.approve(article, expected_version=article.version, acting_user=office)
    record_answer(source_id=1, case_number="RX20261120-0001", question="京卡丢了在哪里补办",
                  answer="已告知到银行网点补卡。", category_id=categories["HYK01"].pk, answered_at=timezone.now())
    return {"agent": agent, "office": office, "categories": categories}


def test_edit_page_suggestion_box_and_copy(page, live_server, kb, login, assert_accessible, assert_cjk_font):
    login(page, live_server, "agent", PASSWORD)
    page.goto(f"{live_server.url}/knowledge/new/")
    assert_accessible(page)
    assert_cjk_font(page)

    page.locator("#try-q").fill("我的京卡丢了怎么补办")
    results = page.locator("#try-results")
    expect(results).to_contain_text("京卡丢失补办")
    expect(results).to_contain_text("RX20261120-0001")
    expect(results.locator("mark").first).to_be_visible()
    assert_accessible(page)
    assert_cjk_font(page, "#try-results")

    # One click copies the suggested answer into the article's answer field (#id_answer).
    results.locator("[data-copy-to=id_answer]").first.click()
    expect(page.locator("#id_answer")).to_have_value("请先拨打发卡银行客服电话挂失，再到服务站申请补卡。")

    page.locator("#id_title").fill("京卡补办（服务站）")
    page.locator("#id_category").select_option(str(kb["categories"]["HYK01"].pk))
    page.locator("#article-form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("京卡补办（服务站）")
    assert_accessible(page)


def test_try_page_keyboard_and_empty_state(page, live_server, kb, login, assert_accessible):
    login(page, live_server, "agent", PASSWORD)
    page.goto(f"{live_server.url}/knowledge/try/")
    assert_accessible(page)
    box = page.locator("#id_q")
    box.focus()
    page.keyboard.type("火星移民签证")
    expect(page.locator("#suggestions .us-suggestions [role=status]")).to_be_visible()
    expect(page.locator("#suggestions [data-copy-to]")).to_have_count(0)
    box.fill("京卡丢了")
    suggestions = page.locator("#suggestions")
    expect(suggestions).to_contain_text("京卡丢失补办")
    button = suggestions.locator("[data-copy-to=id_answer]").first
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_answer")).to_have_value("请先拨打发卡银行客服电话挂失，再到服务站申请补卡。")
    assert_accessible(page)
