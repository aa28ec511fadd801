"""The member portal (public) and the CTI API (token)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from unionserve.accounts.actions import issue_token
from unionserve.hotline import actions as hotline_actions
from unionserve.hotline import services
from unionserve.hotline.models import Category, HotlineRequest
from unionserve.workflow import actions
from unionserve.workflow.models import Case

# msgstr of "No request matches this tracking code and phone number. Check both and try again."
NOT_FOUND = "没有与该查询码和电话号码相符的诉求。请核对后重试。"


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def submit(client, **fields):
    data = {"name": "陈师傅", "phone": "139-0000-3333", "id_number": "", "description": "想了解京卡怎么办理",
            "category": Category.objects.get(code="HYK01").pk, "website": ""}
    data.update(fields)
    return client.post(reverse("hotline:portal"), data)


def test_portal_submit_follow_read_and_rate_once(client, people, tree):
    response = submit(client)
    assert response.status_code == 200
    request = HotlineRequest.objects.select_related("case").get()
    assert request.tracking_code in response.content.decode()
    assert request.channel == "web" and request.received_by is None and request.case.owner_unit == tree["city"]
    assert request.case.state == "answering"  # waits for an agent at the city platform

    fresh = client.__class__()
    # A wrong phone and a wrong code get the very same answer: nothing to enumerate.
    wrong_phone = fresh.post(reverse("hotline:portal_follow"), {"tracking_code": request.tracking_code,
                                                                "phone": "13900004444"})
    wrong_code = fresh.post(reverse("hotline:portal_follow"), {"tracking_code": "ABCDEFGHJK",
                                                               "phone": "13900003333"})
    assert wrong_phone.status_code == wrong_code.status_code == 400
    assert NOT_FOUND in wrong_phone.content.decode() and NOT_FOUND in wrong_code.content.decode()
    # Without proving code + phone in this session, the status page does not exist.
    assert fresh.get(reverse("hotline:portal_status", args=[request.tracking_code])).status_code == 404

    response = fresh.post(reverse("hotline:portal_follow"), {"tracking_code": request.tracking_code.lower(),
                                                             "phone": "13900003333"})
    assert response.status_code == 302
    status = fresh.get(response["Location"]).content.decode()
    assert "想了解京卡怎么办理" in status and "rate" not in status.split("</form>")[0][-200:]
    assert 'name="satisfaction"' not in status  # nothing to rate before the answer

    actions.perform(request.case, "answer", actor=people["agent"], data={"answer": "到服务站携带身份证办理。"})
    status = fresh.get(reverse("hotline:portal_status", args=[request.tracking_code])).content.decode()
    assert "到服务站携带身份证办理。" in status and 'name="satisfaction"' in status
    rate = reverse("hotline:portal_rate", args=[request.tracking_code])
    assert fresh.post(rate, {"satisfaction": "unsatisfied", "reason": ""}).status_code == 400  # reason needed
    assert fresh.post(rate, {"satisfaction": "satisfied"}).status_code == 302
    fresh.post(rate, {"satisfaction": "unsatisfied", "reason": "再试一次"})
    request.refresh_from_db()
    assert request.satisfaction == "satisfied" and request.satisfaction_source == "portal"  # once only


def test_portal_validates_and_limits(client, people):
    response = submit(client, phone="12", description="短")
    assert response.status_code == 400 and not HotlineRequest.objects.exists()
    response = submit(client, id_number="110101199003077610")  # wrong check character
    assert response.status_code == 400 and not HotlineRequest.objects.exists()
    # The robot trap: accepted in appearance, nothing stored.
    assert submit(client, website="http://spam").status_code == 200 and not HotlineRequest.objects.exists()
    for _i in range(10):
        assert submit(client).status_code == 200
    response = submit(client)
    assert response.status_code == 400 and HotlineRequest.objects.count() == 10


def test_portal_needs_no_login_and_keeps_csrf(people):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.get(reverse("hotline:portal")).status_code == 200
    assert submit(strict).status_code == 403  # no CSRF token


def _token(user):
    _t, key = issue_token(user, "cti")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_cti_api_lookup_create_read_act(client, people, member, tree):
    auth = _token(people["agent"])
    response = client.post("/api/hotline/requests", {
        "kind": "affair", "category": "LDGX02", "description": "拖欠工资", "caller_name": "王芳",
        "caller_phone": "13912345678", "units": ["110101001"], "filed_units": ["110101", "IND05"]},
        content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["case_number"].startswith("SW") and body["state"] == "handling" and body["member_id"] == member.pk
    assert body["caller_phone_masked"] == "139****5678" and "13912345678" not in response.content.decode()
    pk = body["id"]

    caller = client.get("/api/hotline/callers", {"phone": "13912345678"}, **auth).json()
    assert caller["member"]["name"] == "王芳" and caller["member"]["phone_masked"] == "139****5678"
    assert [r["id"] for r in caller["requests"]] == [pk]

    station = _token(people["st1"])
    detail = client.get(f"/api/hotline/requests/{pk}", **station).json()
    assert {a["code"] for a in detail["case"]["actions"]} >= {"sign", "return"}
    response = client.post(f"/api/hotline/requests/{pk}/actions/sign",
                           {"version": detail["case"]["version"], "step": detail["case"]["actions"][0]["step"]},
                           content_type="application/json", **station)
    assert response.status_code == 200, response.content
    version = response.json()["case"]["version"]
    response = client.post(f"/api/hotline/requests/{pk}/actions/feedback",
                           {"version": version, "data": {"result": "已处理", "resolved": "yes"}},
                           content_type="application/json", **station)
    assert response.status_code == 200 and response.json()["state"] == "callback"
    # A stale version is a conflict.
    response = client.post(f"/api/hotline/requests/{pk}/actions/close",
                           {"version": version, "data": {"satisfaction": "satisfied"}},
                           content_type="application/json", **auth)
    assert response.status_code == 409
    listed = client.get("/api/hotline/requests", {"state": "callback"}, **auth).json()
    assert [r["id"] for r in listed["items"]] == [pk]


def test_cti_api_scope_and_errors(client, people, member):
    request = hotline_actions.take_request(services.Intake(
        kind="affair", category=Category.objects.get(code="LDGX02"), description="拖欠工资", caller_name="王芳",
        caller_phone="13912345678", units=["110101001"]), acting_user=people["agent"])
    other = _token(people["st3"])
    assert client.get(f"/api/hotline/requests/{request.pk}", **other).status_code == 404
    assert client.get("/api/hotline/requests", **other).json()["items"] == []
    assert client.get("/api/hotline/callers", {"phone": "13912345678"}, **other).status_code == 403
    auth = _token(people["agent"])
    response = client.post("/api/hotline/requests", {
        "kind": "consultation", "category": "NOPE", "description": "问题问题", "caller_name": "甲",
        "caller_phone": "13900001111"}, content_type="application/json", **auth)
    assert response.status_code == 400 and "NOPE" in response.json()["detail"]
    response = client.post("/api/hotline/requests", {
        "kind": "consultation", "category": "QT", "description": "问题问题", "caller_name": "甲",
        "caller_phone": "123"}, content_type="application/json", **auth)
    assert response.status_code == 400
    assert client.get("/api/hotline/requests").status_code == 401


def test_api_operations_are_in_the_openapi_document():
    """Each operation of the router renders its OpenAPI entry (checked per operation, so another app's broken
    operation does not hide ours)."""
    from ninja.openapi.schema import OpenAPISchema

    from unionserve.api import api
    from unionserve.hotline.api import router

    schema = OpenAPISchema.__new__(OpenAPISchema)
    schema.api, schema.path_prefix, schema.schemas = api, "/api/", {}
    schema.securitySchemes, schema.all_operation_ids = {}, set()
    assert {"/callers", "/categories", "/requests", "/requests/{pk}", "/requests/{pk}/actions/{action}"} <= set(
        router.path_operations)
    for path_ops in router.path_operations.values():
        for op in path_ops.operations:
            details = schema.operation_details(op)
            assert details["summary"] and details["operationId"]


def test_cti_create_is_all_or_nothing(client, people):
    """The case is opened, then the engine refuses the dispatch (no such unit): no request and no case stay."""
    before = (HotlineRequest.objects.count(), Case.objects.count())
    auth = _token(people["agent"])
    response = client.post("/api/hotline/requests", {
        "kind": "affair", "category": "LDGX02", "description": "单位拖欠工资", "caller_name": "甲",
        "caller_phone": "13900001111", "units": ["999999999"]}, content_type="application/json", **auth)
    assert response.status_code == 400, response.content
    assert "999999999" in response.json()["detail"]  # refused by the dispatch, after the case was opened
    assert (HotlineRequest.objects.count(), Case.objects.count()) == before


def test_cti_list_pages_without_counting(client, people):
    """A million requests are never counted: each page says whether an older one follows."""
    for n in range(3):
        hotline_actions.take_request(services.Intake(
            kind="consultation", category=Category.objects.get(code="QT"), description=f"问一个问题{n}",
            caller_name="甲", caller_phone="13900001111", answer="已答复"), acting_user=people["agent"])
    auth = _token(people["agent"])
    first = client.get("/api/hotline/requests", {"page_size": 2}, **auth).json()
    assert (len(first["items"]), first["page"], first["has_next"]) == (2, 1, True) and "count" not in first
    second = client.get("/api/hotline/requests", {"page_size": 2, "page": 2}, **auth).json()
    assert (len(second["items"]), second["has_next"]) == (1, False)
    assert {r["id"] for r in first["items"]}.isdisjoint(r["id"] for r in second["items"])
    assert client.get("/api/hotline/requests", {"page": 9}, **auth).json()["items"] == []
