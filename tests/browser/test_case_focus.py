"""After a refused case action, the keyboard focus lands on the first field to fix."""

import pytest
from playwright.sync_api import expect

from unionserve.core.roles import Role
from unionserve.hotline import actions as hotline_actions
from unionserve.hotline import services
from unionserve.hotline.models import Category
from unionserve.hotline.tests.test_statistics import ensure_categories

PASSWORD = "Test-pass-123"


@pytest.fixture
def case_number(transactional_db, tree, make_user):
    ensure_categories()
    agent = make_user(tree["city"], Role.HOTLINE_AGENT, username="agent")
    item = hotline_actions.take_request(services.Intake(
        kind="consultation", category=Category.objects.filter(parent__isnull=False).first(),
        description="京卡怎么办", caller_name="陈师傅", caller_phone="13900003333"), acting_user=agent)
    return item.case.number


def test_focus_moves_to_the_first_error_after_a_refused_action(page, live_server, case_number, login,
                                                                assert_accessible):
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "agent", PASSWORD)
    page.goto(f"{live_server.url}/work/cases/{case_number}/")
    form = page.locator("form[action$='/act/answer/']")
    page.locator("summary", has=page.locator("text=答复并结案")).first.click()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    field = page.locator("form[data-failed-action] [aria-invalid='true']").first
    expect(field).to_be_focused()
    assert_accessible(page)
