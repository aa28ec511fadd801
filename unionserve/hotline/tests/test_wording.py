"""What a closed request reads like where people meet it: 已办结, never 已撤销 (an org unit's word)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from unionserve.core.roles import Role
from unionserve.hotline.models import Category, HotlineRequest
from unionserve.workflow import actions

REVOKED = "已撤销"
CLOSED_CASE = "已办结"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def closed_request(client, people):
    """A portal request the agent answered, which closes its consultation case."""
    client.post(reverse("hotline:portal"), {
        "name": "陈师傅", "phone": "13900003333", "id_number": "", "description": "想了解京卡怎么办理",
        "category": Category.objects.get(code="HYK01").pk, "website": ""})
    request = HotlineRequest.objects.select_related("case").get()
    actions.perform(request.case, "answer", actor=people["agent"], data={"answer": "到服务站携带身份证办理。"})
    request.case.refresh_from_db()
    assert request.case.closed_at is not None
    return request


def follow(client, request):
    client.post(reverse("hotline:portal_follow"), {"tracking_code": request.tracking_code, "phone": "13900003333"})
    return client.get(reverse("hotline:portal_status", args=[request.tracking_code])).content.decode()


def test_portal_status_of_a_solved_request_reads_closed_not_revoked(client, closed_request):
    page = follow(client.__class__(), closed_request)
    assert f'<dd class="col-sm-8">{CLOSED_CASE}</dd>' in page and REVOKED not in page


def test_portal_tells_the_agents_record_of_satisfaction_from_the_workers_own_rating(client, closed_request):
    HotlineRequest.objects.filter(pk=closed_request.pk).update(satisfaction="satisfied", satisfaction_source="callback")
    page = follow(client.__class__(), closed_request)
    assert "12351回访时记录的您的满意度" in page and "您的评价" not in page
    HotlineRequest.objects.filter(pk=closed_request.pk).update(satisfaction_source="portal")
    page = follow(client.__class__(), closed_request)
    assert "您的评价" in page


def test_request_list_filter_and_case_page_read_closed(client, people, closed_request):
    client.force_login(people["agent"])
    listing = client.get(reverse("hotline:requests")).content.decode()
    assert f'<option value="closed">{CLOSED_CASE}</option>' in listing and REVOKED not in listing
    case_page = client.get(reverse("workflow:case", args=[closed_request.case.number])).content.decode()
    assert f'text-bg-dark">{CLOSED_CASE}</span>' in case_page and "办结时间" in case_page
    assert REVOKED not in case_page


def test_inbox_names_the_sending_unit_column_as_a_unit(client, tree, make_user):
    client.force_login(make_user(tree["st1"], Role.SOCIAL_WORKER))
    page = client.get(reverse("workflow:inbox")).content.decode()
    assert "发送单位" in page and "起始日期" not in page


def test_mediation_list_reads_closed_cases_as_closed(client, tree, make_user):
    client.force_login(make_user(tree["dc"], Role.CENTER_STAFF))
    page = client.get(reverse("mediation:cases")).content.decode()
    assert f'<option value="closed">{CLOSED_CASE}</option>' in page and REVOKED not in page
