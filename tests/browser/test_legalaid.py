"""Legal aid in Chromium: intake at the city, the eligibility screen, acceptance, assignment with the conflict
check, and the lawyer who sees only their own case."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from unionserve.core.roles import Role

PASSWORD = "Test-pass-123"


@pytest.fixture
def people(transactional_db, tree, make_user):
    from unionserve.legalaid.models import Contract, Engagement, LawFirm, Lawyer, Side

    office = make_user(tree["city"], Role.CITY_OFFICE, username="office")
    make_user(tree["dc"], Role.CENTER_STAFF, username="dcstaff")
    lawyer = make_user(tree["dc"], Role.LAWYER, username="lawyer1")
    firm = LawFirm.objects.create(name="北京东华律师事务所", uscc="91110108551385082Q")
    Contract.objects.create(firm=firm, unit=tree["dc"], start=dt.date(2026, 1, 1), end=dt.date(2030, 12, 31),
                            capacity=5)
    Lawyer.objects.create(firm=firm, name="冯磊", licence_number="11101201210000003", user=lawyer)
    Engagement.objects.create(firm=firm, party_name="北京某某科技有限公司", side=Side.FOR)
    return office


def test_application_screen_accept_assign_and_the_lawyers_view(page, live_server, people, login,
                                                                 assert_accessible, assert_cjk_font):
    login(page, live_server, "office", PASSWORD)
    page.goto(f"{live_server.url}/legalaid/new/")
    assert_accessible(page)
    page.locator("#id_applicant_name").fill("王五")
    page.locator("#id_employer_name").fill("北京某某科技有限公司")
    page.locator("#id_dispute_type").select_option("wages")
    page.locator("#id_matter").fill("追索拖欠工资三个月")
    page.locator("main form button[type=submit]").click()
    # The eligibility screen: every criterion met.
    expect(page.locator("h1")).to_contain_text("王五")
    assert_accessible(page)
    for radio in page.locator("input[type=radio][value=met]").all():
        radio.check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-success, [role=status], .alert")).not_to_have_count(0)
    page.locator("main form a.btn-outline-secondary").click()
    # The case page: the legal-aid panel and the acceptance with the dispatch to 东城区.
    expect(page.locator("#panel-legalaid-h")).to_be_visible()
    assert_accessible(page)
    number = page.locator("h1").inner_text().split(" ")[0]
    accept = page.locator("details", has=page.locator(f"form[action='/work/cases/{number}/act/accept/']"))
    accept.locator("summary").click()
    # The unit picker: type the name, pick it with the keyboard; the field keeps the code.
    combo = accept.locator("[role=combobox]").first
    combo.fill("东城")
    expect(page.locator(f"#{combo.get_attribute('aria-controls')} [role=option]").first).to_contain_text("东城区中心")
    combo.press("ArrowDown")
    combo.press("Enter")
    expect(page.locator("#id_accept-units")).to_have_value("110101")
    accept.locator("button[type=submit]").click()
    expect(page.locator("#timeline-h + ol")).to_contain_text("东城区中心")  # the timeline names the unit
    assert_cjk_font(page)

    page.context.clear_cookies()
    login(page, live_server, "dcstaff", PASSWORD)
    page.goto(f"{live_server.url}/legalaid/cases/{number}/assign/")
    assert_accessible(page)
    expect(page.locator("table")).to_contain_text("北京某某科技有限公司")  # the conflict flag
    page.locator("input[name=contract]").first.check()
    page.locator("#id_lawyer").select_option(index=1)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".alert-danger")).to_be_visible()  # a flagged firm needs a reason
    page.locator("input[name=contract]").first.check()
    page.locator("#id_conflict_reason").fill("该所对该单位的顾问合同已于2025年终止")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#panel-legalaid-h")).to_be_visible()
    expect(page.locator("section[aria-labelledby='panel-legalaid-h']")).to_contain_text("冯磊")

    page.context.clear_cookies()
    login(page, live_server, "lawyer1", PASSWORD)
    page.goto(f"{live_server.url}/legalaid/mine/")
    expect(page.locator("main")).to_contain_text(number)
    assert_accessible(page)
    page.goto(f"{live_server.url}/work/cases/{number}/")
    expect(page.locator(f"form[action='/work/cases/{number}/act/report_file/']")).to_have_count(1)
    assert_accessible(page)


def test_registry_pages_are_accessible(page, live_server, people, login, assert_accessible):
    login(page, live_server, "office", PASSWORD)
    page.goto(f"{live_server.url}/legalaid/firms/")
    expect(page.locator("table")).to_contain_text("北京东华律师事务所")
    assert_accessible(page)
    page.locator("table a").first.click()
    expect(page.locator("h1")).to_contain_text("北京东华律师事务所")
    assert_accessible(page)
    page.goto(f"{live_server.url}/legalaid/")
    assert_accessible(page)


def test_a_district_registers_at_its_window_and_a_blank_refusal_is_refused(page, live_server, people, login,
                                                                          assert_accessible):
    """002 §二(二): a district center registers an application made at its own window, received yesterday (the
    review counts from then); a refusal whose only reason is a full-width space is refused on the page."""
    from django.utils import timezone

    from unionserve.workflow.models import Case

    received = timezone.localdate() - dt.timedelta(days=1)
    login(page, live_server, "dcstaff", PASSWORD)
    page.goto(f"{live_server.url}/legalaid/new/")
    assert_accessible(page)
    page.locator("#id_applicant_name").fill("王五")
    page.locator("#id_employer_name").fill("北京某某餐饮有限公司")
    page.locator("#id_dispute_type").select_option("wages")
    page.locator("#id_matter").fill("追索拖欠工资")
    page.locator("#id_applied_on").fill(received.isoformat())
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("王五")
    case = Case.objects.get()
    assert case.process == "legalaid_up" and case.state == "review_l2"
    assert case.steps.get(is_open=True).deadline["start"] == received.isoformat()
    page.locator("input[type=radio][value=not_met]").first.check()
    page.locator("main form button[type=submit]").click()
    page.goto(f"{live_server.url}/work/cases/{case.number}/")
    refuse = page.locator("details", has=page.locator(f"form[action='/work/cases/{case.number}/act/refuse/']"))
    refuse.locator("summary").click()
    # A full-width space and a zero-width one: nothing a reader sees (the form keeps the zero-width one, the engine
    # finds the field empty).
    page.locator("#id_refuse-refusal_reasons").fill("\u3000\u200b")
    refuse.locator("button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("请填写：不予援助理由")
    assert Case.objects.get().state == "review_l2"
    assert_accessible(page)
