"""The statistics page in Chromium: charts drawn, tables readable, accessible."""

import pytest
from playwright.sync_api import expect

from unionserve.core.roles import Role

PASSWORD = "Test-pass-123"


@pytest.fixture
def office(transactional_db, tree, make_user):
    from django.utils import timezone

    from unionserve.workflow.models import AccessKind, Case, CaseAccess

    c = Case.objects.create(number="TJ-1", process="mediation", state="agreed", title="欠薪调解",
                            owner_unit=tree["dc"], opened_at=timezone.now(), closed_at=timezone.now())
    CaseAccess.objects.create(case=c, unit=tree["dc"], kind=AccessKind.OWNER)
    return make_user(tree["city"], Role.CITY_OFFICE, username="office")


def test_statistics_page(page, live_server, office, login, assert_accessible, assert_cjk_font):
    login(page, live_server, "office", PASSWORD)
    page.goto(f"{live_server.url}/legal-reports/")
    expect(page.locator("#chart-summary canvas")).to_have_count(1)
    expect(page.locator("#chart-path canvas")).to_have_count(1)
    expect(page.locator("#table-summary tbody tr").first).to_contain_text("1")
    assert_accessible(page)
    assert_cjk_font(page)
    page.locator("#id_start").fill("2020-01-01")
    page.locator("form[method=get] button[type=submit]").click()
    page.wait_for_url("**start=2020-01-01**")
    expect(page.locator("#table-summary")).to_be_visible()
