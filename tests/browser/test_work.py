"""The inbox and the case page, driven in Chromium: a station signs for and feeds back a dispatched order."""

import pytest
from playwright.sync_api import expect

from unionserve.core.roles import Role

PASSWORD = "Test-pass-123"


@pytest.fixture
def order(transactional_db, tree, make_user):
    from unionserve.workflow import actions

    office = make_user(tree["city"], Role.CITY_OFFICE, username="office")
    make_user(tree["st1"], Role.SOCIAL_WORKER, username="worker")
    make_user(tree["dc"], Role.CENTER_STAFF, username="district")
    case = actions.open_case("workorder", actor=office, title="会员信息核查",
                             data={"category": "member_data", "instructions": "请核查辖区新建会企业"})
    return actions.perform(case, "dispatch", actor=office, data={"units": "110101001", "filed_units": "110101"})


def test_station_signs_and_feeds_back(page, live_server, order, login, assert_accessible, assert_cjk_font):
    login(page, live_server, "worker", PASSWORD)
    page.get_by_role("link", name="我的工作").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的工作")
    row = page.get_by_role("row").filter(has_text=order.number)
    expect(row).to_contain_text("待签收")
    assert_accessible(page)
    assert_cjk_font(page)

    row.get_by_role("link", name=order.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)
    assert_accessible(page)
    page.locator("summary", has_text="签收").click()
    page.get_by_role("button", name="确认: 签收").click()
    expect(page.get_by_role("status").first).to_contain_text("已完成")

    page.locator("summary", has_text="回单").click()
    page.get_by_label("办理情况").fill("已核查新建会企业12家，会员356人")
    page.get_by_role("button", name="确认: 回单").click()
    expect(page.locator("#timeline-h + ol")).to_contain_text("已核查新建会企业12家")
    expect(page.locator(".badge.text-bg-primary")).to_have_text("回单审核")


def test_filed_district_reads_and_urges(page, live_server, order, login, assert_accessible):
    login(page, live_server, "district", PASSWORD)
    page.goto(f"{live_server.url}/work/tab/filed/")
    page.get_by_role("link", name=order.number).click()
    expect(page.get_by_role("heading", level=2, name="可办理操作")).to_be_visible()
    expect(page.locator("summary", has_text="签收")).to_have_count(0)
    page.locator("summary", has_text="催办/督办").click()
    page.get_by_label("类型").select_option("supervise")
    page.get_by_label("内容").fill("请本周内完成")
    page.get_by_role("button", name="确认: 催办/督办").click()
    expect(page.locator("#timeline-h + ol")).to_contain_text("督办")
    assert_accessible(page)


def test_process_help_page_draws_the_diagram(page, live_server, order, login, assert_accessible):
    login(page, live_server, "worker", PASSWORD)
    page.goto(f"{live_server.url}/work/processes/workorder/")
    expect(page.locator("pre.mermaid svg")).to_be_visible(timeout=15000)
    assert_accessible(page)
