"""Mediation in Chromium: a station receives an application by keyboard, accepts it, appoints the suggested
mediator from the case page's panel; the mediator sees only their own case. Locators use ids and names."""

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import expect

from unionserve.core.roles import Role

PASSWORD = "Test-pass-123"


@pytest.fixture
def setup(transactional_db, tree, make_user):
    from unionserve.documents.models import DocumentTemplate
    from unionserve.mediation.models import Mediator

    if not DocumentTemplate.objects.exists():  # an earlier transactional test flushed the seeded templates
        importlib.import_module("unionserve.documents.migrations.0002_default_templates").seed(apps, None)
    station = make_user(tree["st1"], Role.SOCIAL_WORKER, username="station")
    med = make_user(tree["st1"], Role.MEDIATOR, username="med")
    other = make_user(tree["st1"], Role.MEDIATOR, username="othermed")
    Mediator.objects.create(unit=tree["st1"], user=med, name="杨帆", specialties=["wages"])
    Mediator.objects.create(unit=tree["st1"], user=other, name="周明", specialties=["injury"])
    return {"station": station, "med": med, "other": other}


def test_station_receives_accepts_and_appoints(page, live_server, setup, login, assert_accessible, assert_cjk_font):
    login(page, live_server, "station", PASSWORD)
    page.goto(f"{live_server.url}/mediation/new/")
    assert_accessible(page)
    assert_cjk_font(page)
    page.locator("#id_dispute_type").select_option("wages")
    page.locator("#id_summary").fill("公司拖欠两个月工资")
    page.locator("#id_workers").fill("张三\n李四")
    page.locator("#id_employer_name").fill("北京宏达建筑有限公司")
    page.locator("#id_claims").fill("支付拖欠工资, 18000")
    page.locator("#id_claims").press("Tab")  # keyboard: on to the next field, then submit with Enter
    page.locator("#intake-form button[type=submit]").focus()
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("张三、李四")
    panel = page.locator("#panel-mediation-h").locator("xpath=..")
    expect(panel).to_contain_text("北京宏达建筑有限公司")
    expect(panel).to_contain_text("18000.00")
    assert_accessible(page)
    assert_cjk_font(page)

    # Accept and mediate here (the engine's action form).
    form = page.locator("form[action$='/act/mediate_here/']")
    form.locator("xpath=..").locator("summary").click()
    form.locator("button[type=submit]").click()
    expect(page.locator("#id_appoint_mediator")).to_be_visible()
    # The suggestion (wages specialist, least loaded) is preselected.
    selected = page.locator("#id_appoint_mediator option:checked")
    expect(selected).to_contain_text("杨帆")
    assert_accessible(page)
    page.locator("form[action$='/appoint/'] button[type=submit]").click()
    expect(panel).to_contain_text("杨帆")
    expect(panel.locator("a[href*='/documents/']").first).to_be_visible()  # the acceptance notice

    # The appointed mediator has it; the other mediator of the same station does not.
    number = page.locator("h1").inner_text().split(" ")[0]
    page.context.clear_cookies()
    login(page, live_server, "othermed", PASSWORD)
    response = page.goto(f"{live_server.url}/work/cases/{number}/")
    assert response.status == 404
    page.context.clear_cookies()
    login(page, live_server, "med", PASSWORD)
    page.goto(f"{live_server.url}/mediation/mine/")
    expect(page.locator("main")).to_contain_text(number)
    assert_accessible(page)
