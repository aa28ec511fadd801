"""The 12351 path as agents, stations and worker homes meet it: the unit picker on dispatch, the caller on the
case page, the one-screen callback, the API's reply, worker homes as handlers and windows, filing copies."""

from __future__ import annotations

import pytest
from django.urls import reverse

from unionserve.accounts.actions import issue_token
from unionserve.audit.models import AuditEvent
from unionserve.core.roles import Role
from unionserve.hotline.models import Category, HotlineRequest
from unionserve.workflow.models import Case

from .test_processes import _affair, act, workbench_post


def _token(user) -> dict:
    _t, key = issue_token(user, "cti")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _intake(client, user, **fields):
    """A registered affair at the user's unit, not yet dispatched."""
    client.force_login(user)
    response = workbench_post(client, user, kind="affair", action="register", **fields) \
        if user.has_perm("hotline.handle_requests") else client.post(reverse("hotline:window"), {
            "caller_phone": "13900001111", "caller_name": "李师傅", "kind": "affair",
            "category": Category.objects.get(code="LDGX02").pk, "description": "公司拖欠工资怎么办？",
            "action": "register", **fields})
    assert response.status_code == 302, response.content.decode()[:1500]
    return HotlineRequest.objects.select_related("case").order_by("-pk").first()


# --- item 6: the unit picker -----------------------------------------------------------------------


def test_unit_picker_searches_both_lines_by_name_code_and_pinyin_in_scope(client, people, tree):
    client.force_login(people["agent"])
    url = reverse("orgs:pick")
    names = [u["name"] for u in client.get(url, {"q": "东华门"}).json()["results"]]
    assert "东华门站" in names
    assert [u["code"] for u in client.get(url, {"q": "IND05"}).json()["results"]][:1] == ["IND05"]  # industry line
    assert "交通运输工会" in [u["name"] for u in client.get(url, {"q": "jtys"}).json()["results"]]  # initials
    assert "景山站" in [u["name"] for u in client.get(url, {"q": "jingshan"}).json()["results"]]  # full pinyin
    assert client.get(url, {"codes": "110101001,IND05,nope"}).json()["results"][1]["name"] == "交通运输工会"
    # Bounded: a long query is cut, never an error; at most 20 answers.
    assert client.get(url, {"q": "x" * 5000}).status_code == 200
    assert len(client.get(url, {"q": "1"}).json()["results"]) <= 20
    # A station sees only its own part of the tree — and, for filing copies (up=1), its ancestors.
    client.force_login(people["st1"])
    assert client.get(url, {"q": "中关村"}).json()["results"] == []
    assert client.get(url, {"q": "东城"}).json()["results"] == []
    assert [u["code"] for u in client.get(url, {"q": "东城", "up": "1"}).json()["results"]] == ["110101"]


def test_dispatch_form_is_a_picker_pre_filled_with_the_suggestion(client, people, tree, member):
    request = _intake(client, people["agent"], member=member.pk, caller_phone="13912345678")
    page = client.get(reverse("workflow:case", args=[request.case.number])).content.decode()
    assert "派往单位（代码）" not in page and "(unit codes)" not in page
    assert 'data-unit-picker="multiple"' in page and "unitpicker.js" in page
    # The member's station is suggested; its district and the member's industry union are the filing copies.
    assert 'name="dispatch-units" value="110101001"' in page
    assert 'value="110101,IND05"' in page or 'value="IND05,110101"' in page
    # The workbench's routing fragment uses the same picker.
    client.force_login(people["agent"])
    fragment = client.get(reverse("hotline:routing"), {"category": request.category_id, "member": member.pk})
    assert 'data-unit-picker' in fragment.content.decode() and 'value="110101001"' in fragment.content.decode()


# --- item 7: the handling station reaches the caller -------------------------------------------------


def test_the_handling_stations_case_page_shows_the_caller_with_an_audited_reveal(client, people, tree, member):
    request = _affair(client, people, member)
    client.force_login(people["st1"])
    page = client.get(reverse("workflow:case", args=[request.case.number])).content.decode()
    assert 'data-testid="hotline-panel"' in page and "139****5678" in page and "13912345678" not in page
    assert reverse("hotline:request", args=[request.pk]) in page
    assert reverse("members:detail", args=[member.pk]) in page
    # The timeline names the units instead of their codes.
    assert "东华门站" in page and "→ 110101001" not in page and "东城区中心" in page
    fragment = client.post(reverse("hotline:request_reveal", args=[request.pk]), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and 'href="tel:13912345678"' in fragment.content.decode()
    event = AuditEvent.objects.get(action="pii_viewed")
    assert event.actor == people["st1"] and event.detail["fields"] == ["phone"]


def test_a_department_handling_an_affair_may_call_the_caller_a_reader_may_not(client, people, tree, member,
                                                                               make_user):
    request = _affair(client, people, member, units="D02", filed="IND05")
    client.force_login(people["legal"])
    page = client.get(reverse("workflow:case", args=[request.case.number])).content.decode()
    assert "hotline:request_reveal" not in page and reverse("hotline:request_reveal", args=[request.pk]) in page
    assert client.post(reverse("hotline:request_reveal", args=[request.pk]), HTTP_HX_REQUEST="true").status_code == 200
    client.force_login(make_user(tree["city"], Role.AUDITOR, username="auditor2"))
    page = client.get(reverse("workflow:case", args=[request.case.number])).content.decode()
    assert reverse("hotline:request_reveal", args=[request.pk]) not in page


# --- item 9: the callback on one screen --------------------------------------------------------------


def test_callback_is_one_screen_from_the_queue_with_explained_fields(client, people, tree, member):
    request = _affair(client, people, member)
    case = act(client, people["st1"], request.case, "sign")
    act(client, people["st1"], case, "feedback", result="已协调单位补发工资", resolved="yes")
    client.force_login(people["agent"])
    url = reverse("hotline:callback", args=[request.pk])
    assert url in client.get(reverse("hotline:workbench")).content.decode()  # the queue links straight to it
    page = client.get(url).content.decode()
    assert "已协调单位补发工资" in page and "139****5678" in page
    assert "满意率" in page  # the satisfaction box says what it is for
    case = Case.objects.get(pk=case.pk)
    step = case.steps.get(is_open=True)
    bad = client.post(url, {"action": "close", "close-version": case.version, "close-step": step.pk,
                            "close-satisfaction": "unsatisfied"})
    assert bad.status_code == 400
    ok = client.post(url, {"action": "close", "close-version": case.version, "close-step": step.pk,
                           "close-satisfaction": "satisfied", "close-callback_note": "已接通，职工表示满意"})
    assert ok.status_code == 302
    request.refresh_from_db()
    assert request.case.is_closed and request.satisfaction == "satisfied"
    assert request.callback_note == "已接通，职工表示满意"


# --- item 10: the API replies with the saved state ------------------------------------------------------


def test_api_reply_of_an_answered_request_shows_the_answer(client, people):
    response = client.post("/api/hotline/requests", {
        "kind": "consultation", "category": "LDGX02", "description": "加班费怎么算", "caller_name": "王芳",
        "caller_phone": "13912345678", "answer": "按劳动法第四十四条计算。"},
        content_type="application/json", **_token(people["agent"]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["answer"] == "按劳动法第四十四条计算。" and body["answered_at"] and body["resolved"] is True
    assert body["state"] == "closed" and body["first_response_at"] is not None


# --- item 20: worker homes handle and take requests ----------------------------------------------------------


def test_a_worker_home_handles_a_dispatched_affair_and_takes_window_requests(client, people, tree, member,
                                                                             make_user):
    home = make_user(tree["g1"], Role.GRASSROOTS_OFFICER, username="home1")
    request = _affair(client, people, member, units="G1", filed="110101,IND05")
    case = act(client, home, request.case, "sign")
    case = act(client, home, case, "feedback", result="已与企业协商补发", resolved="yes")
    assert case.state == "callback"
    request.refresh_from_db()
    assert request.feedback.startswith("公交一厂工会")
    # The worker home's caller panel and reveal (it handles the affair).
    page = client.get(reverse("workflow:case", args=[case.number])).content.decode()
    assert reverse("hotline:request_reveal", args=[request.pk]) in page
    # 接待来访: the window intake.
    client.force_login(home)
    assert client.get(reverse("hotline:window")).status_code == 200
    taken = _intake(client, home)
    assert taken.channel == "window" and taken.received_unit == tree["g1"]


# --- item 21: filing copies required --------------------------------------------------------------------------


def test_filing_copies_are_required_pre_filled_and_enforced(client, people, tree, member):
    # Not a known member: the district of the handling station is still required, and the form says so.
    request = _intake(client, people["agent"])
    page = client.get(reverse("workflow:case", args=[request.case.number])).content.decode()
    case = request.case
    step = case.steps.get(is_open=True)
    client.force_login(people["agent"])
    refused = client.post(reverse("workflow:act", args=[case.number, "dispatch"]), {
        "dispatch-version": case.version, "dispatch-step": step.pk, "dispatch-units": "110101001",
        "dispatch-filed_units": ""})
    assert refused.status_code == 400 and "东城区中心" in refused.content.decode()
    case = act(client, people["agent"], case, "dispatch", units="110101001", filed_units="110101")
    assert {a.unit.code for a in case.access.filter(kind="filed")} == {"110101"}
    assert page  # the page rendered the form
    # A known member: the member's industry union is required too — through the API.
    auth = _token(people["agent"])
    base = {"kind": "affair", "category": "LDGX02", "description": "拖欠工资", "caller_name": "王芳",
            "caller_phone": "13912345678", "units": ["110101002"]}
    refused = client.post("/api/hotline/requests", {**base, "filed_units": ["110101"]},
                          content_type="application/json", **auth)
    assert refused.status_code == 400 and "IND05" in refused.json()["detail"]
    # Given none, the API pre-fills what the rule requires, like the page.
    taken = client.post("/api/hotline/requests", base, content_type="application/json", **auth)
    assert taken.status_code == 201, taken.content
    number = taken.json()["case_number"]
    filed = {a.unit.code for a in Case.objects.get(number=number).access.filter(kind="filed")}
    assert filed == {"110101", "IND05"}
    # A district station (a window) files with its own district, outside its scope: allowed upward.
    window = _intake(client, people["st1"])
    case = act(client, people["st1"], window.case, "dispatch", units="G2", filed_units="110101")
    assert {a.unit.code for a in case.access.filter(kind="filed")} == {"110101"}


@pytest.mark.parametrize("phone", ["123", "1391234567", "010-123"])
def test_the_workbench_refuses_a_phone_that_is_no_phone(client, people, phone):
    response = workbench_post(client, people["agent"], caller_phone=phone, answer="答复")
    assert response.status_code == 400
    assert "id_caller_phone_error" in response.content.decode()
    assert not HotlineRequest.objects.exists()



def test_home_links_to_the_workbench_and_category_unit_is_a_picker(client, people, make_user, tree):
    client.force_login(people["agent"])
    home = client.get("/").content.decode()
    assert reverse("hotline:workbench") in home and 'data-testid="home-start"' in home
    client.force_login(people["st1"])
    assert reverse("hotline:window") in client.get("/").content.decode()
    client.force_login(people["office"])
    page = client.get(reverse("hotline:category_new")).content.decode()
    assert 'data-unit-picker="single"' in page and "(code)" not in page and "（代码）" not in page


def test_workbench_explains_the_empty_suggestions_box(client, people):
    client.force_login(people["agent"])
    page = client.get(reverse("hotline:workbench")).content.decode()
    assert 'id="knowledge"' in page and 'id="save-request"' in page
    knowledge = page.split('id="knowledge"', 1)[1].split("</div>", 1)[0]
    assert "<p" in knowledge  # a hint, not an empty box, before typing
