"""The pages people use, driven in Chromium: log in, browse the tree, be refused elsewhere, manage users."""

import re

import pytest
from playwright.sync_api import expect

from unionserve.core.roles import Role

PASSWORD = "Test-pass-123"


@pytest.fixture
def people(transactional_db, tree, make_user):
    return {
        "admin": make_user(tree["city"], Role.SYSTEM_ADMIN, username="admin"),
        "station": make_user(tree["st1"], Role.SOCIAL_WORKER, username="station"),
        "station3": make_user(tree["st3"], Role.SOCIAL_WORKER, username="station3"),
    }


def test_login_page_is_accessible_and_chinese(page, live_server, transactional_db, assert_accessible,
                                              assert_cjk_font):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    assert_accessible(page)
    assert_cjk_font(page)


def test_wrong_password_says_what_to_fix(page, live_server, people):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("station")
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")


def test_station_browses_its_tree_and_is_refused_elsewhere(page, live_server, people, tree, login,
                                                           assert_accessible, assert_cjk_font):
    login(page, live_server, "station", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("欢迎")
    assert_accessible(page)
    assert_cjk_font(page)

    page.get_by_role("link", name="组织机构").click()
    tree_card = page.locator(".us-tree")
    expect(tree_card).to_contain_text("东华门站")
    expect(tree_card).to_contain_text("公交一厂工会")  # loaded by htmx from the regional line
    assert_accessible(page)

    page.get_by_role("link", name="东华门站").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("东华门站")
    assert_accessible(page)

    # Another district's station by URL: the same page as a record that does not exist.
    response = page.goto(f"{live_server.url}/orgs/{tree['st3'].pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("页面不存在")
    assert "中关村站" not in page.content()
    response = page.goto(f"{live_server.url}/api/orgs/units/{tree['st3'].pk}")
    assert response.status == 404


def test_search_as_you_type(page, live_server, people, login):
    login(page, live_server, "station", PASSWORD)
    page.goto(f"{live_server.url}/orgs/")
    page.get_by_label("按名称或代码搜索单位").fill("公交")
    results = page.locator("#search-results")
    expect(results).to_contain_text("公交一厂工会")
    expect(results).not_to_contain_text("公交三厂工会")


def test_keyboard_skip_link_reaches_main(page, live_server, people, login):
    login(page, live_server, "station", PASSWORD)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要内容")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))


def test_admin_creates_a_user_who_must_change_the_password(page, live_server, people, login, assert_accessible):
    login(page, live_server, "admin", PASSWORD)
    page.goto(f"{live_server.url}/accounts/users/new/")
    assert_accessible(page)
    page.get_by_label("用户名").fill("newworker")
    page.get_by_label("姓名").fill("新社工")
    page.get_by_label("所属单位（代码）").fill("110101002")
    page.get_by_label("专职社工（服务站）").check()
    page.get_by_label("临时密码").fill("Temp-pass-9981")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新社工")
    page.get_by_role("button", name="退出").click()

    login(page, live_server, "newworker", "Temp-pass-9981", expect_path="/accounts/password/")
    page.get_by_label("旧密码").fill("Temp-pass-9981")
    page.get_by_role("textbox", name="新密码", exact=True).fill("My-own-pass-4471")
    page.get_by_label("新密码确认").fill("My-own-pass-4471")
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_role("status")).to_contain_text("密码已修改")


def test_audit_and_users_pages_are_accessible(page, live_server, people, login, assert_accessible):
    login(page, live_server, "admin", PASSWORD)
    for path in ["/accounts/users/", "/audit/", "/accounts/me/", f"/accounts/users/{people['station'].pk}/",
                 "/calendar/"]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)


def test_two_factor_enrolment_and_verification(page, live_server, people, login, assert_accessible, settings):
    """Where the settings require it, the administrator sets up an authenticator app after the password."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.UNIONSERVE_REQUIRE_2FA = True
    login(page, live_server, "admin", PASSWORD, expect_path=None)
    page.wait_for_url(lambda url: "/accounts/2fa/enrol/" in url)
    expect(page.get_by_role("heading", level=1)).to_have_text("设置双因素登录")
    expect(page.get_by_role("img", name="身份验证器应用的二维码")).to_be_visible()
    assert_accessible(page)
    device = TOTPDevice.objects.get(user=people["admin"], confirmed=False)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    page.get_by_label("验证码").fill(f"{totp.token():06d}")
    page.get_by_role("button", name="确认").click()
    page.wait_for_url(lambda url: "/accounts/2fa/" not in url)
    expect(page.get_by_role("status").first).to_contain_text("双因素登录已设置")
