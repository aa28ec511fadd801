"""The 12351 agent workbench and the member portal in Chromium: keyboard-first intake, member look-up as you type,
knowledge copy button, CJK rendering and axe accessibility.

Locators use ids and attributes rather than UI text, so the tests hold before and after the zh-hans
translations land.
"""

import pytest
from playwright.sync_api import expect

from unionserve.core.roles import Role
from unionserve.hotline.models import HotlineRequest
from unionserve.members.tests.factories import id_number, make_member

PASSWORD = "Test-pass-123"


@pytest.fixture
def hotline(transactional_db, tree, make_user):
    # The data migration's categories are gone in a transactional test database: make the ones used here.
    from unionserve.hotline.models import Category

    Category.objects.get_or_create(code="LDGX", defaults={"name": "劳动关系", "sort_order": 20})
    parent = Category.objects.get(code="LDGX")
    Category.objects.get_or_create(code="LDGX02", defaults={"name": "工资报酬", "parent": parent, "sort_order": 2})
    Category.objects.get_or_create(code="HYK", defaults={"name": "会员卡", "sort_order": 60})
    return {
        "agent": make_user(tree["city"], Role.HOTLINE_AGENT, username="agent"),
        "member": make_member(tree["g1"], "张三丰", number=id_number(seq=301), phone="13911112222"),
    }


def test_workbench_keyboard_intake_and_accessibility(page, live_server, hotline, login, assert_accessible,
                                                     assert_cjk_font):
    login(page, live_server, "agent", PASSWORD)
    page.goto(f"{live_server.url}/hotline/")
    # The phone field has the focus: the agent types the number the call shows.
    expect(page.locator("#id_caller_phone")).to_be_focused()
    assert_accessible(page)
    assert_cjk_font(page)
    page.keyboard.type("13911112222")
    lookup = page.locator("#lookup")
    expect(lookup).to_contain_text("张三丰")
    expect(lookup).to_contain_text("139****2222")
    expect(lookup).not_to_contain_text("13911112222")
    lookup.locator("[data-member-id]").first.click()
    expect(page.locator("#id_caller_name")).to_have_value("张三丰")
    expect(page.locator("#id_kind_0")).to_be_focused()
    # The delegated copy handler fills the answer from any [data-copy-to] button (the knowledge fragment's).
    page.evaluate("""() => {
        const b = document.createElement('button'); b.type = 'button'; b.id = 'kb-test';
        b.setAttribute('data-copy-to', 'id_answer'); b.setAttribute('data-answer', '可向劳动监察大队投诉。');
        b.textContent = 'copy'; document.getElementById('request-h').after(b); }""")
    page.locator("#kb-test").click()
    expect(page.locator("#id_answer")).to_have_value("可向劳动监察大队投诉。")
    page.locator("#id_category").select_option(label="— 工资报酬")
    page.locator("#id_description").fill("公司拖欠两个月工资怎么办？")
    assert_accessible(page)
    page.locator("#intake-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    request = HotlineRequest.objects.select_related("case").get()
    assert request.member == hotline["member"] and request.case.is_closed
    expect(page.locator(".alert-success")).to_contain_text(request.tracking_code)
    expect(page.locator("#id_caller_phone")).to_be_focused()


def test_portal_on_a_phone_screen(page, live_server, hotline, assert_accessible, assert_cjk_font):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/hotline/portal/")
    assert_accessible(page)
    assert_cjk_font(page)
    page.locator("#id_name").fill("陈师傅")
    page.locator("#id_phone").fill("13900003333")
    page.locator("#id_category").select_option(label="会员卡")
    page.locator("#id_description").fill("京卡丢了怎么补办？")
    page.locator("form button[type=submit]").click()
    code = HotlineRequest.objects.get().tracking_code
    expect(page.locator("main")).to_contain_text(code)
    assert_accessible(page)
    page.goto(f"{live_server.url}/hotline/portal/follow/")
    page.locator("#id_tracking_code").fill(code)
    page.locator("#id_phone").fill("13900004444")  # wrong phone
    page.locator("form button[type=submit]").click()
    expect(page.locator(".alert-danger")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_phone").fill("13900003333")
    page.locator("form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("京卡丢了怎么补办？")
    assert_accessible(page)


def test_requests_request_page_and_categories_are_accessible(page, live_server, hotline, tree, make_user, login,
                                                            assert_accessible):
    from unionserve.hotline import actions, services
    from unionserve.hotline.models import Category

    make_user(tree["city"], Role.CITY_OFFICE, username="office")
    request = actions.take_request(services.Intake(
        kind="affair", category=Category.objects.get(code="LDGX02"), description="公司拖欠三个月工资",
        caller_name="张三丰", caller_phone="13911112222", member=hotline["member"], units=["110101001"],
        filed_units=["110101", "IND05"]), acting_user=hotline["agent"])
    login(page, live_server, "office", PASSWORD)
    page.goto(f"{live_server.url}/hotline/requests/")
    expect(page.locator("main table")).to_contain_text(request.case.number)
    assert_accessible(page)
    page.goto(f"{live_server.url}/hotline/requests/{request.pk}/")
    expect(page.locator("#caller [data-field=phone]")).to_have_text("139****2222")
    page.locator("#caller button[type=submit]").click()
    expect(page.locator("#caller [data-field=phone]")).to_have_text("13911112222")
    assert_accessible(page)
    page.goto(f"{live_server.url}/hotline/categories/")
    assert_accessible(page)
    page.locator("main table a").first.click()
    expect(page.locator("#id_name")).to_be_visible()
    assert_accessible(page)
