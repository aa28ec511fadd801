"""The 12351 statistics page in Chromium: the charts draw, the table fallback and definitions are there."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import RESULTS_DIR
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


@pytest.fixture
def busy_days(transactional_db, tree, make_user):
    """Two days with both kinds: 3 affairs and 2 consultations on the first, 1 affair on the second."""
    first = dt.date.today().replace(day=1)
    for offset, affairs, consultations in ((0, 3, 2), (1, 1, 0)):
        received = at((first + dt.timedelta(days=offset)).isoformat())
        for _ in range(affairs):
            make_request(tree, received=received, steps=[(tree["st1"], StepStatus.DONE, received, received, DUE)],
                         closed=received, resolved=True, satisfaction="satisfied")
        for _ in range(consultations):
            make_request(tree, kind="consultation", received=received, category="ZCZX02", closed=received,
                         resolved=True)
    return make_user(tree["city"], Role.CITY_OFFICE, username="office")


def test_daily_chart_draws_each_kind_on_its_own_at_1366(page, live_server, busy_days, login):
    """Lines are not stacked (a day's affairs plot at their own count), legends clear the axes, no doubled labels."""
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, live_server, "office", PASSWORD)
    page.goto(f"{live_server.url}/hotline/statistics/")
    expect(page.locator("#hs-days canvas")).to_have_count(1)
    option = page.evaluate("""() => {
        const o = echarts.getInstanceByDom(document.getElementById('hs-days')).getOption();
        return {stacks: o.series.map(s => s.stack || null), data: o.series.map(s => s.data),
                legendTop: o.legend[0].top, containLabel: o.grid[0].containLabel};
    }""")
    assert option["stacks"] == [None, None]
    assert option["data"][1][:2] == [3, 1] and option["data"][0][:2] == [2, 0]  # affairs at 3, not 3 + 2
    assert option["legendTop"] == 0 and option["containLabel"] is True
    rates = page.evaluate("() => echarts.getInstanceByDom(document.getElementById('hs-rates')).getOption()"
                          ".series.map(s => s.stack || null)")
    assert set(rates) == {None}
    body = page.locator("main").inner_text()
    assert "响应率 响应率" not in body and "响应率\n响应率" not in body and "响应率 (响应率)" not in body
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / "hotline-statistics-1366.png"), full_page=False)
    page.locator("#vol-title").scroll_into_view_if_needed()
    page.locator("#hs-days").screenshot(path=str(RESULTS_DIR / "hotline-statistics-days-1366.png"))
    page.locator("#hs-rates").screenshot(path=str(RESULTS_DIR / "hotline-statistics-rates-1366.png"))
