"""12351 and personal data: the intake links only members in scope; only the agent identifies callers
city-wide; a caller's contact in full follows the one policy of unionserve.pii."""

from __future__ import annotations

import pytest
from django.urls import reverse

from unionserve.accounts.actions import issue_token
from unionserve.hotline.models import Category, HotlineRequest
from unionserve.members.tests.factories import make_member


@pytest.fixture
def haidian_member(tree):
    return make_member(tree["g3"], "李四", phone="13700001111")


def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user, 'test')[1]}"}


WINDOW_FORM = {"caller_name": "李四", "kind": "consultation", "description": "灵活就业人员怎么参加医保？",
               "action": "register", "units": "", "filed_units": "", "answer": "", "refer_to": ""}


def test_the_window_neither_links_nor_shows_another_districts_member(client, people, haidian_member):
    client.force_login(people["st1"])  # Dongcheng station; the member is in Haidian
    category = Category.objects.get(code="ZCZX02").pk
    # With an error (no phone), the form comes back: the foreign member is not shown as chosen.
    page = client.post(reverse("hotline:window"), {**WINDOW_FORM, "category": category, "caller_phone": "",
                                                   "member": haidian_member.pk}).content.decode()
    assert haidian_member.grassroots.name not in page and haidian_member.id_masked not in page
    response = client.post(reverse("hotline:window"), {**WINDOW_FORM, "category": category,
                                                       "caller_phone": "13700001111", "member": haidian_member.pk})
    assert response.status_code == 400 and not HotlineRequest.objects.exists()
    # Without a member id, the phone does not identify a member outside the station's scope either.
    response = client.post(reverse("hotline:window"), {**WINDOW_FORM, "category": category,
                                                       "caller_phone": "13700001111", "member": ""})
    assert response.status_code == 302
    assert HotlineRequest.objects.get().member is None
    routing = client.get(reverse("hotline:routing"), {"category": category, "member": haidian_member.pk})
    assert "110108" not in routing.content.decode()


def test_only_the_agent_gets_a_member_for_a_callers_phone_over_the_api(client, people, member, haidian_member):
    payload = {"kind": "consultation", "category": "ZCZX02", "description": "灵活就业人员怎么参加医保？",
               "caller_name": "李四", "caller_phone": "13700001111"}
    body = client.post("/api/hotline/requests", payload, content_type="application/json",
                       **_bearer(people["st1"])).json()
    assert body["member_id"] is None  # a Dongcheng station does not identify a Haidian member
    body = client.post("/api/hotline/requests", {**payload, "member_id": haidian_member.pk},
                       content_type="application/json", **_bearer(people["st1"]))
    assert body.status_code == 400
    body = client.post("/api/hotline/requests", payload, content_type="application/json",
                       **_bearer(people["agent"])).json()
    assert body["member_id"] == haidian_member.pk  # the 12351 platform identifies callers city-wide
    body = client.post("/api/hotline/requests", {**payload, "caller_phone": "13912345678"},
                       content_type="application/json", **_bearer(people["st1"])).json()
    assert body["member_id"] == member.pk  # the station's own member


def test_portal_rating_counts_once(client, people, member):
    from unionserve.hotline import actions, services

    request = actions.take_request(services.Intake(
        kind="consultation", category=Category.objects.get(code="ZCZX02"), description="怎么参加医保？",
        caller_name="王芳", caller_phone="13912345678", answer="到社保中心办理。"), acting_user=people["agent"])
    assert actions.rate_request(request, "unsatisfied", " 太慢 ")
    assert not actions.rate_request(request, "satisfied")
    request.refresh_from_db()
    assert request.satisfaction == "unsatisfied" and request.satisfaction_reason == "太慢"
