"""The 12351 leaks of the security issue, replayed from every role: a foreign member by id at the window and the
workbench, a caller's phone identifying a member, phones in clear, and the personal scope of mediators/lawyers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from unionserve.accounts.actions import issue_token
from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.core.roles import Role
from unionserve.hotline import actions, services
from unionserve.hotline.models import Category, HotlineRequest
from unionserve.members.tests.factories import make_member

FOREIGN_PHONE = "13700002222"
FORM = {"caller_name": "赵六", "kind": "consultation", "description": "灵活就业人员怎么参加医保？",
        "action": "register", "units": "", "filed_units": "", "answer": "", "refer_to": ""}
#: Intake users of a station, a district and a company union: none of them has the foreign member in scope.
INTAKE_USERS = [("st1", Role.SOCIAL_WORKER), ("dc", Role.CENTER_STAFF), ("co", Role.CENTER_STAFF)]


@pytest.fixture
def foreign(tree):
    """A member under Haidian's station only (no industry line): outside Dongcheng and the bus company."""
    from unionserve.orgs.actions import create_unit
    from unionserve.orgs.models import UnitKind

    g4 = create_unit(name="中关村软件公司工会", kind=UnitKind.GRASSROOTS, region_parent=tree["st3"], code="G4")
    return make_member(g4, "赵六", phone=FOREIGN_PHONE)


def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user, 'test')[1]}"}


@pytest.mark.parametrize("unit,role", INTAKE_USERS)
@pytest.mark.parametrize("page", ["hotline:window", "hotline:workbench"])
def test_intake_pages_neither_show_nor_link_a_foreign_member_by_id(client, tree, make_user, foreign, unit, role, page):
    user = make_user(tree[unit], role, username="intake")
    client.force_login(user)
    category = Category.objects.get(code="ZCZX02").pk
    # A missing field (no phone): the page comes back without the foreign member's name, masked ID or union.
    response = client.post(reverse(page), {**FORM, "category": category, "caller_phone": "", "member": foreign.pk})
    assert response.status_code in (400, 403)
    html = response.content.decode()
    assert foreign.id_masked not in html and foreign.grassroots.name not in html and foreign.phone_masked not in html
    # Every field filled: no request is linked to that member (refused, or not written at all).
    response = client.post(reverse(page), {**FORM, "category": category, "caller_phone": FOREIGN_PHONE,
                                           "member": foreign.pk})
    assert response.status_code in (400, 403)
    assert not HotlineRequest.objects.filter(member=foreign).exists()
    # Nor by the phone alone.
    client.post(reverse(page), {**FORM, "category": category, "caller_phone": FOREIGN_PHONE, "member": ""})
    assert not HotlineRequest.objects.filter(member=foreign).exists()
    assert client.get(f"/members/{foreign.pk}/").status_code in (403, 404)


@pytest.mark.parametrize("page", ["hotline:window", "hotline:workbench"])
def test_a_huge_member_id_is_no_server_error(client, people, page):
    client.force_login(people["agent"])
    response = client.post(reverse(page), {**FORM, "category": Category.objects.get(code="ZCZX02").pk,
                                           "caller_phone": "", "member": "99999999999999999999"})
    assert response.status_code == 400


@pytest.mark.parametrize("unit,role", INTAKE_USERS)
def test_a_callers_phone_identifies_no_member_outside_the_scope_over_the_api(client, tree, make_user, foreign, unit,
                                                                            role):
    user = make_user(tree[unit], role, username="intake")
    payload = {"kind": "consultation", "category": "ZCZX02", "description": "灵活就业人员怎么参加医保？",
               "caller_name": "赵六", "caller_phone": FOREIGN_PHONE}
    response = client.post("/api/hotline/requests", payload, content_type="application/json", **_bearer(user))
    assert response.status_code in (200, 201), response.content
    body = response.json()
    assert body["member_id"] is None
    assert "赵六" not in str(body.get("member") or "") and foreign.id_masked not in response.content.decode()
    client.force_login(user)
    page = client.get(reverse("hotline:request", args=[body["id"]])).content.decode()
    assert foreign.id_masked not in page and foreign.grassroots.name not in page
    assert client.get(f"/api/members/{foreign.pk}", **_bearer(user)).status_code == 404
    response = client.post("/api/hotline/requests", {**payload, "member_id": foreign.pk},
                           content_type="application/json", **_bearer(user))
    assert response.status_code == 400 and not HotlineRequest.objects.filter(member=foreign).exists()


def test_the_12351_agent_identifies_callers_city_wide(client, people, foreign):
    payload = {"kind": "consultation", "category": "ZCZX02", "description": "灵活就业人员怎么参加医保？",
               "caller_name": "赵六", "caller_phone": FOREIGN_PHONE}
    body = client.post("/api/hotline/requests", payload, content_type="application/json",
                       **_bearer(people["agent"])).json()
    assert body["member_id"] == foreign.pk


# --- phones in clear -------------------------------------------------------------------------------------

#: Who may see a Dongcheng window request's caller in full: the right to see personal data (or the 12351
#: platform's handling right) and the request in scope. Everyone else is refused, and nothing is audited as seen.
REVEAL = [
    ("city", Role.AUDITOR, False), ("city", Role.HOTLINE_AGENT, True), ("city", Role.CITY_OFFICE, True),
    ("city", Role.SYSTEM_ADMIN, False), ("dept", Role.DEPARTMENT_STAFF, False), ("dc", Role.CENTER_STAFF, True),
    ("dc", Role.MEDIATOR, False), ("dc", Role.LAWYER, False), ("dc", Role.MUTUAL_INSURANCE, False),
    ("st1", Role.SOCIAL_WORKER, True), ("st3", Role.SOCIAL_WORKER, False), ("hd", Role.CENTER_STAFF, False),
    ("g1", Role.GRASSROOTS_OFFICER, False), ("co", Role.CENTER_STAFF, False),
]


@pytest.fixture
def window_request(people):
    return actions.take_request(services.Intake(
        kind="consultation", category=Category.objects.get(code="ZCZX02"), description="怎么参加医保？",
        caller_name="钱七", caller_phone="13611112222", caller_id_number="", channel="window"),
        acting_user=people["st1"])


@pytest.mark.parametrize("unit,role,allowed", REVEAL)
def test_the_callers_phone_in_clear_only_with_the_right_and_in_scope(client, tree, make_user, window_request,
                                                                    unit, role, allowed):
    user = make_user(tree[unit], role, username="reader")
    client.force_login(user)
    url = reverse("hotline:request_reveal", args=[window_request.pk])
    response = client.post(url)
    if allowed:
        assert response.status_code == 200 and "13611112222" in response.content.decode()
        assert AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED, actor=user).exists()
    else:
        assert response.status_code in (403, 404), response.status_code
        assert "13611112222" not in response.content.decode()
        assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED, actor=user).exists()
        page = client.get(reverse("hotline:request", args=[window_request.pk]))
        assert url not in page.content.decode() and "13611112222" not in page.content.decode()


# --- the personal scope of mediators and lawyers ---------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.LAWYER])
def test_a_personal_user_sees_no_hotline_request_unless_its_case_is_theirs(tree, make_user, window_request, role):
    from unionserve.core.scope import scope_of
    from unionserve.workflow.models import Step

    person = make_user(tree["st1"], role, username="personal")
    colleague = make_user(tree["st1"], Role.SOCIAL_WORKER, username="colleague")
    assert list(scope_of(colleague).filter(HotlineRequest.objects.all())) == [window_request]
    assert not scope_of(person).filter(HotlineRequest.objects.all()).exists()
    Step.objects.filter(case=window_request.case).update(assignee=person)
    assert list(scope_of(person).filter(HotlineRequest.objects.all())) == [window_request]
