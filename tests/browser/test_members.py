"""The member register in Chromium: search as you type, the member page, and the audited "show in full".

Locators use ids, data values and attributes rather than UI text, so the tests hold before and after the
zh-hans translations of the register's strings land.
"""

import pytest
from playwright.sync_api import expect

from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.core.roles import Role
from unionserve.members import pii
from unionserve.members.tests.factories import id_number, make_employer, make_member

PASSWORD = "Test-pass-123"


@pytest.fixture
def register(transactional_db, tree, make_user):
    employer = make_employer(tree["st1"], name="公交一厂", grassroots=tree["g1"])
    return {
        "station": make_user(tree["st1"], Role.SOCIAL_WORKER, username="station"),
        "agent": make_user(tree["city"], Role.HOTLINE_AGENT, username="agent"),
        "zhang": make_member(tree["g1"], "张三丰", number=id_number(seq=201), phone="13911112222",
                             employer=employer),
        "other": make_member(tree["g2"], "李四", number=id_number(seq=202), phone="13933334444"),
        "far": make_member(tree["g3"], "张远", number=id_number(seq=203), phone="13955556666"),
    }


def test_search_member_page_and_reveal(page, live_server, register, login, assert_accessible, assert_cjk_font):
    zhang = register["zhang"]
    login(page, live_server, "station", PASSWORD)
    page.goto(f"{live_server.url}/members/")
    assert_accessible(page)
    assert_cjk_font(page)

    # As you type: pinyin initials, then a name prefix; another district's 张远 never shows.
    page.locator("#id_q").fill("zs")
    results = page.locator("#member-results")
    expect(results).to_contain_text("张三丰")
    expect(results).to_contain_text(zhang.id_masked)
    expect(results).not_to_contain_text("李四")
    page.locator("#id_q").fill("张")
    expect(results).to_contain_text("张三丰")
    expect(results).not_to_contain_text("张远")
    assert_accessible(page)

    results.get_by_role("link", name="张三丰").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("张三丰")
    identity = page.locator("#identity")
    expect(identity.locator("[data-field=id_number]")).to_have_text(zhang.id_masked)
    assert_accessible(page)

    number = pii.clear_values(zhang)["id_number"]
    identity.locator("button[type=submit]").click()
    expect(page.locator("#identity [data-field=id_number]")).to_have_text(number)
    expect(page.locator("#identity [data-field=phone]")).to_have_text("13911112222")
    assert_accessible(page)
    assert AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED, object_id=str(zhang.pk)).count() == 1


def test_without_view_pii_there_is_no_reveal_button(page, live_server, register, login, assert_accessible):
    login(page, live_server, "agent", PASSWORD)
    page.goto(f"{live_server.url}/members/{register['zhang'].pk}/")
    expect(page.locator("#identity [data-field=id_number]")).to_have_text(register["zhang"].id_masked)
    expect(page.locator("#identity button")).to_have_count(0)
    assert_accessible(page)


def test_other_pages_are_accessible(page, live_server, register, login, assert_accessible):
    login(page, live_server, "station", PASSWORD)
    zhang = register["zhang"]
    for path in ["/members/employers/", f"/members/employers/{zhang.employer_id}/", f"/members/{zhang.pk}/edit/",
                 f"/members/{zhang.pk}/transfer/", "/members/receive/", "/members/duplicates/", "/members/export/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert_accessible(page)
    response = page.goto(f"{live_server.url}/members/{register['far'].pk}/")
    assert response.status == 404
