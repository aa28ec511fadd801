"""The members API: filters, pagination, detail with history, employers; scoped and permission-checked."""

import pytest

from unionserve.accounts.actions import issue_token
from unionserve.core.roles import Role
from unionserve.members import actions
from unionserve.members.models import SpecialGroup

from .factories import id_number, make_employer, make_member


@pytest.fixture
def data(tree, users):
    employer = make_employer(tree["st1"], name="公交一厂", grassroots=tree["g1"])
    make_employer(tree["st1"], name="东华门小店")
    a = make_member(tree["g1"], "郑一", number=id_number(seq=301), employer=employer)
    b = make_member(tree["g2"], "郑二", number=id_number(seq=302), status="left")
    actions.set_special_group(a, SpecialGroup.MODEL_WORKER, True, acting_user=users["station"], detail="劳模")
    return {"employer": employer, "a": a, "b": b}


def test_list_filters_and_token_auth(client, users, data):
    _t, key = issue_token(users["station"], "script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def names(**params):
        return sorted(m["name"] for m in client.get("/api/members/", params, **auth).json()["items"])

    assert names() == ["郑一", "郑二"]
    assert names(q="郑") == ["郑一", "郑二"]
    assert names(q="ZY") == ["郑一"]
    assert names(status="left") == ["郑二"]
    assert names(unit="G1") == ["郑一"]
    assert names(group="model_worker") == ["郑一"]
    page = client.get("/api/members/", {"page_size": 1}, **auth).json()
    assert page["count"] == 2 and len(page["items"]) == 1


def test_member_detail(client_for, users, data):
    body = client_for(users["station"]).get(f"/api/members/{data['a'].pk}").json()
    assert body["grassroots_code"] == "G1" and body["employer_name"] == "公交一厂"
    assert [g["group"] for g in body["special_groups"]] == ["model_worker"]
    assert len(body["history"]) == 1


def test_employers(client_for, users, data):
    client = client_for(users["station"])
    items = client.get("/api/members/employers").json()["items"]
    assert sorted(e["name"] for e in items) == ["东华门小店", "公交一厂"]

    def names(**params):
        return [e["name"] for e in client.get("/api/members/employers", params).json()["items"]]

    assert names(has_union=True) == ["公交一厂"]
    uscc = data["employer"].uscc
    assert names(q=uscc.lower()) == ["公交一厂"]
    detail = client.get(f"/api/members/employers/{data['employer'].pk}").json()
    assert detail["member_count"] == 1 and detail["uscc"] == uscc


def test_api_needs_view_members(client_for, tree, make_user, data):
    client = client_for(make_user(tree["city"], Role.MEDIATOR))
    assert client.get("/api/members/").status_code == 403
    assert client.get(f"/api/members/{data['a'].pk}").status_code == 403


def test_employer_pages(client_for, users, data):
    client = client_for(users["station"])
    page = client.get("/members/employers/", {"q": "公交"}).content.decode()
    assert "公交一厂" in page and "东华门小店" not in page
    page = client.get("/members/employers/", {"has_union": "0"}).content.decode()
    assert "东华门小店" in page and "公交一厂" not in page
    page = client.get(f"/members/employers/{data['employer'].pk}/").content.decode()
    assert "郑一" in page and data["a"].id_masked in page
