"""Broadcast appeals in Chromium: criteria with the live count, preview, confirm, the delivery counts."""

import pytest
from playwright.sync_api import expect

from unionserve.broadcasts.models import Broadcast
from unionserve.core.roles import Role
from unionserve.members.tests.factories import make_member
from unionserve.notifications.models import Notification

PASSWORD = "Test-pass-123"


@pytest.fixture
def office(transactional_db, tree, make_user):
    make_member(tree["g1"], "王一", phone="13800000001")
    make_member(tree["g2"], "王二", phone=None)
    make_member(tree["g3"], "赵五", phone="13800000005")
    return make_user(tree["city"], Role.CITY_OFFICE, username="office")


def test_new_appeal_count_preview_send(page, live_server, office, login, assert_accessible, assert_cjk_font):
    login(page, live_server, "office", PASSWORD)
    page.goto(f"{live_server.url}/broadcasts/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/broadcasts/new/")
    expect(page.locator("#broadcast-count strong")).to_have_text("2")
    assert_accessible(page)
    assert_cjk_font(page)
    page.locator("#id_title").fill("血小板求助")
    page.locator("#id_body").fill("{name}您好：急需AB+型血小板，请拨打12351。")
    # The live count follows the criteria (东城区: one member with a mobile, one without).
    page.locator("#id_area").select_option("110101")
    expect(page.locator("#broadcast-count strong")).to_have_text("1")
    page.locator("#broadcast-form button[type=submit]").click()
    expect(page.locator("h1")).to_be_visible()
    broadcast = Broadcast.objects.get()
    expect(page).to_have_url(f"{live_server.url}/broadcasts/{broadcast.pk}/confirm/")
    expect(page.locator("main")).to_contain_text("王一您好：急需AB+型血小板")
    assert_accessible(page)
    page.locator("form button.btn-danger").click()
    expect(page).to_have_url(f"{live_server.url}/broadcasts/{broadcast.pk}/")
    expect(page.locator("#broadcast-progress")).to_be_visible()
    assert_accessible(page)
    assert Notification.objects.filter(dedupe_key=broadcast.dedupe_key).count() == 1
