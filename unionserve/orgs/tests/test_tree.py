"""The org tree on two lines: paths, subtrees, and changes that keep history."""

import pytest
from django.db import connection

from unionserve.core import tree as paths
from unionserve.orgs import actions
from unionserve.orgs.errors import OrgTreeError
from unionserve.orgs.models import OrgUnit, OrgUnitEvent, UnitKind, UnitStatus


def names(qs):
    return sorted(u.code for u in qs)


def test_paths_follow_both_lines(tree):
    g1 = tree["g1"]
    assert g1.region_path == tree["st1"].region_path + tree_segment(g1)
    assert g1.industry_path == tree["co"].industry_path + tree_segment(g1)
    assert tree["st1"].industry_path is None  # a station is on the regional line only
    assert tree["co"].region_path is None
    assert tree["city"].region_path == tree["city"].industry_path
    assert [u.code for u in g1.region_ancestors()] == ["110000", "110101", "110101001"]
    assert [u.code for u in g1.industry_ancestors()] == ["110000", "IND05", "IND05C01"]


def tree_segment(unit):
    return paths.segment(unit.pk)


def test_subtrees_on_each_line(tree):
    assert names(OrgUnit.objects.region_subtree(tree["dc"])) == ["110101", "110101001", "110101002", "G1", "G2"]
    assert names(OrgUnit.objects.industry_subtree(tree["co"])) == ["G1", "G3", "IND05C01"]
    assert names(OrgUnit.objects.region_subtree(tree["g2"])) == ["G2"]
    assert OrgUnit.objects.industry_subtree(tree["st1"]).count() == 0


def test_subtree_is_one_indexed_range_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(OrgUnit.objects.region_subtree(tree["dc"]))
    sql, params = OrgUnit.objects.region_subtree(tree["dc"]).query.sql_with_params()
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row) for row in cur.fetchall())
            assert "USING INDEX" in plan or "USING COVERING INDEX" in plan
        else:
            cur.execute("SET enable_seqscan = off")
            cur.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cur.fetchall())
            cur.execute("SET enable_seqscan = on")
            assert "Index" in plan


def test_wrong_parent_kind_is_refused(tree):
    with pytest.raises(OrgTreeError):
        actions.create_unit(name="错站", kind=UnitKind.STATION, region_parent=tree["st1"])
    with pytest.raises(OrgTreeError):
        actions.create_unit(name="错公司", kind=UnitKind.COMPANY_UNION, industry_parent=tree["dc"])
    with pytest.raises(OrgTreeError):
        actions.create_unit(name="无上级", kind=UnitKind.GRASSROOTS)


def test_rename_keeps_the_old_name_in_history(tree, users):
    actions.rename_unit(tree["st1"], "东华门街道工会服务站", acting_user=users["admin"], reason="更名")
    event = OrgUnitEvent.objects.filter(unit=tree["st1"], action="renamed").get()
    assert event.before["name"] == "东华门站" and event.after["name"] == "东华门街道工会服务站"
    assert event.actor == users["admin"]


def test_move_rewrites_the_whole_subtree(tree, users):
    actions.move_unit(tree["st1"], region_parent=tree["hd"], industry_parent=None, acting_user=users["admin"])
    assert names(OrgUnit.objects.region_subtree(tree["hd"])) == [
        "110101001", "110108", "110108012", "G1", "G2", "G3"]
    g1 = OrgUnit.objects.get(code="G1")
    assert g1.region_path.startswith(OrgUnit.objects.get(code="110108").region_path)
    assert g1.industry_path == tree["co"].industry_path + paths.segment(g1.pk)  # other line untouched


def test_move_under_own_descendant_is_refused(tree, users):
    with pytest.raises(OrgTreeError):
        actions.move_unit(tree["dc"], region_parent=tree["dc"], industry_parent=None, acting_user=users["admin"])


def test_merge_moves_children_and_users_and_keeps_the_source(tree, users, make_user):
    worker = make_user(tree["st2"], "social_worker")
    actions.create_unit(name="景山公司工会", kind=UnitKind.GRASSROOTS, region_parent=tree["st2"], code="G9")
    actions.merge_units(tree["st2"], tree["st1"], acting_user=users["admin"], reason="街道合并")
    st2 = OrgUnit.objects.get(code="110101002")
    assert st2.status == UnitStatus.MERGED and st2.merged_into_id == tree["st1"].pk
    assert OrgUnit.objects.get(code="G9").region_parent_id == tree["st1"].pk
    worker.refresh_from_db()
    assert worker.org_unit_id == tree["st1"].pk
    assert OrgUnitEvent.objects.filter(unit=st2, action="merged").exists()


def test_close_needs_an_empty_unit_and_a_reason(tree, users):
    with pytest.raises(OrgTreeError):
        actions.close_unit(tree["st1"], acting_user=users["admin"], reason="撤销")  # has grassroots unions
    with pytest.raises(OrgTreeError):
        actions.close_unit(tree["g2"], acting_user=users["admin"], reason=" ")
    actions.close_unit(tree["g2"], acting_user=users["admin"], reason="企业注销")
    assert OrgUnit.objects.get(code="G2").status == UnitStatus.CLOSED
    assert "G2" not in names(OrgUnit.objects.active())


def test_path_helpers():
    assert paths.segment(17) == "00000017"
    assert paths.depth("0000000100000017") == 2
    assert paths.ancestor_ids("0000000100000017") == [1, 17]
