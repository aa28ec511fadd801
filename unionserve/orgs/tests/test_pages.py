"""Changing the tree through its pages, as an administrator would."""

from django.urls import reverse

from unionserve.orgs.models import OrgUnit, OrgUnitEvent, UnitStatus


def test_browse_and_children_fragment(client_for, users, tree):
    client = client_for(users["city"])
    assert "市中心" in client.get(reverse("orgs:browse")).content.decode()
    fragment = client.get(reverse("orgs:children", args=[tree["city"].pk]), {"line": "industry"},
                          HTTP_HX_REQUEST="true").content.decode()
    assert "交通运输工会" in fragment and "东城区中心" not in fragment


def test_add_a_grassroots_union_on_both_lines(client_for, users, tree):
    client = client_for(users["admin"])
    url = reverse("orgs:create_child", args=[tree["st2"].pk, "region"])
    page = client.get(url).content.decode()
    assert 'value="grassroots"' in page and 'value="station"' not in page  # only kinds that fit under a station
    response = client.post(url, {"name": "景山餐饮公司工会", "kind": "grassroots", "other_parent": "IND05C01"})
    unit = OrgUnit.objects.get(name="景山餐饮公司工会")
    assert response.status_code == 302 and response["Location"] == reverse("orgs:detail", args=[unit.pk])
    assert unit.region_parent == tree["st2"] and unit.industry_parent == tree["co"]
    assert unit.code.startswith("U")


def test_a_bad_other_parent_is_explained(client_for, users, tree):
    client = client_for(users["admin"])
    url = reverse("orgs:create_child", args=[tree["st2"].pk, "region"])
    body = client.post(url, {"name": "x", "kind": "grassroots", "other_parent": "110108"}).content.decode()
    assert "不能作为另一条线上的上级" in body or "cannot be the parent" in body
    body = client.post(url, {"name": "x", "kind": "grassroots", "other_parent": "NOPE"}).content.decode()
    assert "NOPE" in body
    assert not OrgUnit.objects.filter(name="x").exists()


def test_rename_merge_close_from_the_pages(client_for, users, tree):
    client = client_for(users["admin"])
    client.post(reverse("orgs:rename", args=[tree["g2"].pk]), {"name": "东华门科技工会", "reason": "企业更名"})
    assert OrgUnit.objects.get(pk=tree["g2"].pk).name == "东华门科技工会"
    client.post(reverse("orgs:merge", args=[tree["st2"].pk]), {"target": "110101001", "reason": "街道合并"})
    assert OrgUnit.objects.get(pk=tree["st2"].pk).status == UnitStatus.MERGED
    body = client.post(reverse("orgs:close", args=[tree["st1"].pk]), {"reason": "撤销"}).content.decode()
    assert OrgUnit.objects.get(pk=tree["st1"].pk).status == UnitStatus.ACTIVE  # still has units below
    assert "下级单位" in body or "child units" in body
    detail = client.get(reverse("orgs:detail", args=[tree["g2"].pk])).content.decode()
    assert "东华门科技公司工会" in detail  # the old name is in the history
    assert OrgUnitEvent.objects.filter(unit=tree["g2"], action="renamed", actor=users["admin"]).exists()


def test_a_district_manager_cannot_change_the_tree(client_for, users, tree):
    client = client_for(users["district"])
    assert client.post(reverse("orgs:rename", args=[tree["st1"].pk]), {"name": "x"}).status_code == 403
