"""The 12351 workbench at 1366×768 and the unit picker, in Chromium: the save button in view without scrolling
(also with long suggestions), a suggested answer appended to a typed one with undo, the picker driven by the
keyboard on the case page's dispatch form."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from unionserve.core.roles import Role
from unionserve.hotline.models import HotlineRequest

PASSWORD = "Test-pass-123"
SHOTS = Path(__file__).resolve().parent.parent.parent / "test-results" / "browser"


@pytest.fixture
def hotline(transactional_db, tree, make_user):
    from unionserve.hotline.models import Category

    Category.objects.get_or_create(code="LDGX", defaults={"name": "劳动关系", "sort_order": 20})
    parent = Category.objects.get(code="LDGX")
    Category.objects.get_or_create(code="LDGX02", defaults={"name": "工资报酬", "parent": parent, "sort_order": 2})
    return {"agent": make_user(tree["city"], Role.HOTLINE_AGENT, username="agent")}


def _save_button_in_view(page) -> dict:
    box = page.locator("#save-request").bounding_box()
    assert box is not None
    return box


def test_save_button_visible_at_1366x768_with_and_without_suggestions(page, live_server, hotline, login):
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "agent", PASSWORD)
    page.goto(f"{live_server.url}/hotline/")
    box = _save_button_in_view(page)
    assert box["y"] >= 0 and box["y"] + box["height"] <= 768, box
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "workbench-1366x768-empty.png"))
    # Long suggestions: the box scrolls inside, the save bar stays in the window.
    page.evaluate("""() => { const k = document.getElementById('knowledge');
        k.innerHTML = Array.from({length: 40}, (_, i) => '<p>建议答复 ' + i + '</p>').join(''); }""")
    page.locator("#id_description").click()
    box = _save_button_in_view(page)
    assert box["y"] >= 0 and box["y"] + box["height"] <= 768, box
    page.screenshot(path=str(SHOTS / "workbench-1366x768-suggestions.png"))
    # The hint explains the empty suggestions box before typing.
    page.evaluate("() => document.getElementById('knowledge').innerHTML = ''")


def test_adopting_a_suggestion_keeps_the_typed_answer_and_can_be_undone(page, live_server, hotline, login):
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "agent", PASSWORD)
    page.goto(f"{live_server.url}/hotline/")
    expect(page.locator("#knowledge")).not_to_be_empty()  # explained, not blank, before typing
    page.locator("#id_answer").fill("已告知职工先与单位协商。")
    page.evaluate("""() => {
        const b = document.createElement('button'); b.type = 'button'; b.id = 'kb-test';
        b.setAttribute('data-copy-to', 'id_answer'); b.setAttribute('data-answer', '可向劳动监察大队投诉。');
        b.textContent = 'copy'; document.getElementById('knowledge').append(b); }""")
    page.locator("#kb-test").click()
    expect(page.locator("#id_answer")).to_have_value("已告知职工先与单位协商。\n\n可向劳动监察大队投诉。")
    expect(page.locator("#answer-undo")).to_be_visible()
    page.locator("#answer-undo-btn").click()
    expect(page.locator("#id_answer")).to_have_value("已告知职工先与单位协商。")
    expect(page.locator("#answer-undo")).to_be_hidden()


def test_unit_picker_on_the_case_page_by_keyboard(page, live_server, hotline, login, tree, assert_accessible):
    from unionserve.hotline import actions, services
    from unionserve.hotline.models import Category

    agent = hotline["agent"]
    taken = actions.take_request(services.Intake(
        kind="affair", category=Category.objects.get(code="LDGX02"), description="公司拖欠三个月工资",
        caller_name="李师傅", caller_phone="13900001111"), acting_user=agent)
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "agent", PASSWORD)
    page.goto(f"{live_server.url}/work/cases/{taken.case.number}/")
    page.locator("details:has(form[action$='/act/dispatch/']) summary").click()
    combo = page.locator("form[action$='/act/dispatch/'] [role=combobox]").first
    expect(combo).to_be_visible()
    combo.fill("dhm")  # pinyin initials of 东华门站
    options = page.locator(f"#{combo.get_attribute('aria-controls')} [role=option]")
    expect(options.first).to_contain_text("东华门站")
    combo.press("ArrowDown")
    combo.press("Enter")
    expect(page.locator("input[name='dispatch-units']")).to_have_value("110101001")
    filed = page.locator("form[action$='/act/dispatch/'] [role=combobox]").nth(1)
    filed.fill("东城")
    options = page.locator(f"#{filed.get_attribute('aria-controls')} [role=option]")
    expect(options.first).to_contain_text("东城区中心")
    filed.press("ArrowDown")
    filed.press("Enter")
    expect(page.locator("input[name='dispatch-filed_units']")).to_have_value("110101")
    assert_accessible(page)
    page.locator("form[action$='/act/dispatch/'] button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    case = HotlineRequest.objects.select_related("case").get().case
    assert case.state == "handling" and {a.unit.code for a in case.access.filter(kind="filed")} == {"110101"}
    expect(page.locator("main")).to_contain_text("东华门站")  # the timeline names the unit
