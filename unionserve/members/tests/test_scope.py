"""A station cannot read another station's members or employers: pages 404, API 404, search empty, export
leaves them out. The industry line sees its grassroots unions in every district."""

import io

import openpyxl
import pytest

from unionserve.members.search import MemberFilter, search_members

from .factories import id_number, make_employer, make_member


@pytest.fixture
def data(tree):
    emp3 = make_employer(tree["st3"], name="中关村公交三厂", grassroots=tree["g3"])
    return {
        "mine": make_member(tree["g1"], "李雷", number=id_number(seq=21)),
        "theirs": make_member(tree["g3"], "李华", number=id_number(seq=22), employer=emp3),
        "emp3": emp3,
    }


def test_member_page_and_api_are_404_outside_scope(client_for, users, data):
    client = client_for(users["station"])
    theirs = data["theirs"]
    for url in (f"/members/{theirs.pk}/", f"/members/{theirs.pk}/edit/", f"/members/{theirs.pk}/transfer/",
                f"/members/employers/{data['emp3'].pk}/"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/api/members/{theirs.pk}").status_code == 404
    assert client.get(f"/api/members/employers/{data['emp3'].pk}").status_code == 404
    assert client.get(f"/members/{data['mine'].pk}/").status_code == 200


def test_search_and_lists_leave_out_other_stations(client_for, users, data):
    station = users["station"]
    assert [m.name for m in search_members(station, MemberFilter(q="李")).members] == ["李雷"]
    assert [m.name for m in search_members(users["station3"], MemberFilter(q="李")).members] == ["李华"]
    # The bus company union (industry line) sees both of its grassroots unions, in two districts.
    assert sorted(m.name for m in search_members(users["company"], MemberFilter(q="李")).members) == ["李华", "李雷"]
    api = client_for(station).get("/api/members/", {"q": "l"}).json()
    assert [m["name"] for m in api["items"]] == ["李雷"]
    employers = client_for(station).get("/api/members/employers").json()
    assert employers["count"] == 0


def test_export_leaves_out_other_stations(client_for, users, data):
    response = client_for(users["station"]).post("/members/export/", {})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["李雷"]


def test_city_sees_everything(users, data):
    assert len(search_members(users["city"], MemberFilter(q="李")).members) == 2
