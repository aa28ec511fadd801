"""The 12351 statistics page in Chromium: the charts draw, the table fallback and definitions are there."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from unionserve.core.roles import Role
from unionserve.hotline.tests.test_statistics import DUE, at, make_request
from unionserve.workflow.models import StepStatus

PASSWORD = "Test-pass-123"


@pytest.fixture
def data(transactional_db, tree, make_user):
    today = dt.date.today()
    received = at(today.replace(day=1).isoformat())
    make_request(tree, received=received, steps=[(tree["st1"], StepStatus.DONE, received, received, DUE)],
                 closed=received, resolved=True, satisfaction="satisfied")
    make_request(tree, kind="consultation", received=received, category="ZCZX02", closed=received, resolved=True)
    return make_user(tree["city"], Role.CITY_OFFICE, username="office")


def test_statistics_page(page, live_server, data, login, assert_accessible, assert_cjk_font):
    login(page, live_server, "office", PASSWORD)
    page.goto(f"{live_server.url}/hotline/statistics/")
    expect(page.locator("#hs-days canvas")).to_have_count(1)
    expect(page.locator("#hs-rates canvas")).to_have_count(1)
    expect(page.locator("#defs")).to_be_visible()
    assert_accessible(page)
    assert_cjk_font(page)
    page.locator("details summary").first.click()
    expect(page.locator("details table")).to_be_visible()
    assert_accessible(page)
