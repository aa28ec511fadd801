"""Document templates in Chromium: the edit page is accessible, a syntax error is shown and nothing saved."""

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import expect

from unionserve.core.roles import Role

PASSWORD = "Test-pass-123"


@pytest.fixture
def office(transactional_db, tree, make_user):
    from unionserve.documents.models import DocumentTemplate

    if not DocumentTemplate.objects.exists():  # an earlier transactional test flushed the seeded templates
        importlib.import_module("unionserve.documents.migrations.0002_default_templates").seed(apps, None)
    return make_user(tree["city"], Role.CITY_OFFICE, username="office")


def test_edit_a_template_and_see_a_syntax_error(page, live_server, office, login, assert_accessible,
                                                assert_cjk_font):
    from unionserve.documents.models import DocumentTemplate

    login(page, live_server, "office", PASSWORD)
    page.goto(f"{live_server.url}/documents/templates/")
    assert_accessible(page)
    assert_cjk_font(page)
    page.locator("a[href$='/documents/templates/acceptance_notice/']").click()
    expect(page.locator("#id_body")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_body").fill("<p>{% if %}坏的模板</p>")
    page.locator("button[name=save]").click()
    expect(page.locator(".alert-danger")).to_be_visible()
    assert_accessible(page)
    assert DocumentTemplate.objects.get(code="acceptance_notice").version == 1
    body = DocumentTemplate.objects.get(code="acceptance_notice").body
    page.locator("#id_body").fill(body + "<p>咨询电话：12351</p>")
    page.locator("#id_note").fill("加咨询电话")
    page.locator("button[name=save]").click()
    expect(page.locator(".alert-success, .alert-info").first).to_be_visible()
    assert DocumentTemplate.objects.get(code="acceptance_notice").version == 2
