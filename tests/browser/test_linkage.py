"""Six-party linkage in Chromium: a station refers its case from the case page and records the outcome."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from unionserve.core.roles import Role

PASSWORD = "Test-pass-123"


@pytest.fixture
def referred_case(transactional_db, tree, make_user):
    from unionserve.linkage.models import PartnerBody, PartnerKind
    from unionserve.workflow import actions

    office = make_user(tree["city"], Role.CITY_OFFICE, username="office")
    make_user(tree["st1"], Role.SOCIAL_WORKER, username="worker")
    PartnerBody.objects.create(kind=PartnerKind.COURT, name="东城区人民法院", unit=tree["dc"])
    PartnerBody.objects.create(kind=PartnerKind.JUDICIAL_OFFICE, name="东华门街道司法所", unit=tree["st1"])
    case = actions.open_case("workorder", actor=office, title="欠薪纠纷协调",
                             data={"category": "other", "instructions": "请协调"})
    return actions.perform(case, "dispatch", actor=office, data={"units": "110101001"})


def test_station_refers_a_case_and_records_the_outcome(page, live_server, referred_case, login,
                                                       assert_accessible, assert_cjk_font):
    login(page, live_server, "worker", PASSWORD)
    page.goto(f"{live_server.url}/work/cases/{referred_case.number}/")
    panel = page.locator("#panel-linkage-h")
    expect(panel).to_be_visible()
    assert_accessible(page)
    page.locator(f"a[href='/linkage/cases/{referred_case.number}/refer/']").click()
    assert_accessible(page)
    # Partners are ordered by unit code then kind: 东城区人民法院 (110101), then 东华门街道司法所 (110101001).
    page.locator("#id_partner").select_option(index=2)
    page.locator("#id_referred_on").fill(dt.date.today().isoformat())
    page.locator("#id_reason").fill("劳资双方同意由司法所人民调解")
    page.locator("#id_contact").fill("司法所 赵调解员")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#timeline-h + ol")).to_contain_text("劳资双方同意由司法所人民调解")
    section = page.locator("section[aria-labelledby='panel-linkage-h']")
    expect(section.locator("tbody tr")).to_have_count(1)
    assert_cjk_font(page)

    section.locator("tbody a").first.click()
    page.locator("#id_outcome-status").select_option("concluded")
    page.locator("#id_outcome-outcome").fill("达成调解协议，当场支付")
    page.locator("#id_outcome-outcome_on").fill(dt.date.today().isoformat())
    page.locator("#id_outcome-amount").fill("6000")
    page.locator("input[name=which][value=outcome] ~ button[type=submit]").click()
    expect(page.locator("dl")).to_contain_text("达成调解协议，当场支付")
    expect(page.locator("dl")).to_contain_text("6000")
    assert_accessible(page)

    page.goto(f"{live_server.url}/linkage/")
    expect(page.locator("table")).to_contain_text(referred_case.number)
    assert_accessible(page)
    page.goto(f"{live_server.url}/linkage/partners/")
    expect(page.locator("table")).to_contain_text("东城区人民法院")
    assert_accessible(page)
    page.goto(f"{live_server.url}/linkage/incoming/")
    assert_accessible(page)
