"""Page wiring: one sidebar item lit, help text ids that exist, breadcrumbs, the refused action marked for focus."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from unionserve.core.roles import Role
from unionserve.hotline import actions as hotline_actions
from unionserve.hotline import services
from unionserve.hotline.models import Category
from unionserve.web.navigation import active_url


def lit(page: str) -> list[str]:
    return re.findall(r'<a class="nav-link active" href="([^"]+)"', page)


def missing_described_ids(page: str) -> set[str]:
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    described = {i for value in re.findall(r'aria-describedby="([^"]+)"', page) for i in value.split()}
    return described - ids


def test_the_longest_matching_entry_is_the_one_lit():
    urls = ["/", "/hotline/", "/hotline/requests/", "/hotline/statistics/", "/members/", "/members/imports/"]
    assert active_url("/hotline/requests/12/", urls) == "/hotline/requests/"
    assert active_url("/hotline/statistics/", urls) == "/hotline/statistics/"
    assert active_url("/hotline/", urls) == "/hotline/"
    assert active_url("/members/imports/new/", urls) == "/members/imports/"
    assert active_url("/", urls) == "/" and active_url("/nowhere/", urls) is None


@pytest.fixture
def request_page(tree, make_user, db):
    agent = make_user(tree["city"], Role.CITY_OFFICE, username="office")
    item = hotline_actions.take_request(services.Intake(
        kind="consultation", category=Category.objects.get(code="HYK01"), description="京卡怎么办",
        caller_name="陈师傅", caller_phone="13900003333"), acting_user=agent)
    return agent, item


@pytest.mark.parametrize("path", ["hotline:requests", "hotline_stats:index", "members:imports", "members:import_new"])
def test_one_sidebar_item_lit_on_nested_pages(client, request_page, path):
    agent, _item = request_page
    client.force_login(agent)
    assert len(lit(client.get(reverse(path)).content.decode())) == 1


def test_request_page_has_breadcrumbs_and_one_lit_item(client, request_page):
    agent, item = request_page
    client.force_login(agent)
    page = client.get(reverse("hotline:request", args=[item.pk])).content.decode()
    assert lit(page) == [reverse("hotline:requests")]
    assert 'class="breadcrumb"' in page and f'href="{reverse("hotline:requests")}"' in page


def test_new_import_page_help_ids_exist_with_and_without_errors(client, request_page):
    agent, _item = request_page
    client.force_login(agent)
    page = client.get(reverse("members:import_new")).content.decode()
    assert 'aria-describedby="id_file_help"' in page and not missing_described_ids(page)
    assert 'class="breadcrumb"' in page and f'href="{reverse("members:imports")}"' in page
    refused = client.post(reverse("members:import_new"), {"kind": "members", "mode": "all_or_nothing"})
    body = refused.content.decode()
    assert 'aria-invalid="true"' in body and not missing_described_ids(body)


def test_refused_case_action_form_is_marked_for_focus(client, request_page):
    agent, item = request_page
    client.force_login(agent)
    item.case.refresh_from_db()
    response = client.post(reverse("workflow:act", args=[item.case.number, "answer"]),
                           {"answer-version": item.case.version, "answer-answer": " "})
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("data-failed-action") == 1  # the form; the script that looks for it is a static file
    assert "/static/workflow/case.js" in page
    assert 'id="id_answer-answer_error"' in page and not missing_described_ids(page)
