"""The search box: each kind of key, filters, the cap, and the scope."""

import pytest

from unionserve.members import actions
from unionserve.members.models import SpecialGroup
from unionserve.members.search import LIMIT, MemberFilter, QueryKind, classify, initials_of, search_members

from .factories import id_number, make_member


@pytest.fixture
def people(tree):
    return {
        "zhang": make_member(tree["g1"], "张三丰", number=id_number(seq=11), phone="13911112222",
                             card_number="6217000000000000003"),
        "zhao": make_member(tree["g2"], "李四", number=id_number(seq=12), phone="13933334444"),
        "far": make_member(tree["g3"], "张远", number=id_number(seq=13), phone="13955556666"),
    }


def names(user, **kw):
    return [m.name for m in search_members(user, MemberFilter(**kw)).members]


def test_classify():
    assert classify("")[0] is QueryKind.EMPTY
    assert classify("11010119900307001x") == (QueryKind.ID_NUMBER, "11010119900307001X")
    assert classify("139 1111 2222") == (QueryKind.MOBILE, "13911112222")
    assert classify("+8613911112222") == (QueryKind.MOBILE, "13911112222")
    assert classify("6217000000000000003") == (QueryKind.CARD, "6217000000000000003")
    assert classify("zsf") == (QueryKind.INITIALS, "ZSF")
    assert classify("张三") == (QueryKind.NAME, "张三")
    assert initials_of("张三丰") == "ZSF"


def test_each_kind_of_key(users, people):
    user = users["station"]
    zhang = people["zhang"]
    from unionserve.members import pii

    assert names(user, q=pii.clear_values(zhang)["id_number"]) == ["张三丰"]
    assert names(user, q="13911112222") == ["张三丰"]
    assert names(user, q="6217000000000000003") == ["张三丰"]
    assert names(user, q="zs") == ["张三丰"]
    assert names(user, q="ZSF") == ["张三丰"]
    assert names(user, q="张") == ["张三丰"]  # 张远 is in another district
    assert names(user, q="李") == ["李四"]
    assert names(user, q="三丰") == []  # prefix only: no %...% scans
    assert names(user, q="13900000000") == []


def test_filters_by_unit_status_and_group(users, people, tree):
    user = users["station"]
    assert names(user, unit="G2") == ["李四"]
    assert sorted(names(user, unit=tree["st1"].code)) == ["张三丰", "李四"]
    assert names(user, unit="G3") == []  # a unit outside the scope finds nothing
    people["zhao"].status = "left"
    people["zhao"].save()
    assert names(user, unit=tree["st1"].code, status="active") == ["张三丰"]
    actions.set_special_group(people["zhang"], SpecialGroup.HARDSHIP, True, acting_user=user)
    assert names(user, group=SpecialGroup.HARDSHIP) == ["张三丰"]
    assert names(user, group=SpecialGroup.MODEL_WORKER) == []


def test_results_are_capped_and_say_so(users, tree):
    for i in range(LIMIT + 1):
        make_member(tree["g1"], f"王{i:02d}", number=id_number(seq=100 + i), phone=None, history=False)
    result = search_members(users["station"], MemberFilter(q="王"))
    assert len(result.members) == LIMIT and result.more
    assert not search_members(users["station"], MemberFilter(q="王00")).more


def test_search_page_and_htmx_fragment(client_for, users, people):
    client = client_for(users["station"])
    page = client.get("/members/", {"q": "zs"})
    assert page.status_code == 200 and "张三丰" in page.content.decode()
    assert b"<html" in page.content
    fragment = client.get("/members/", {"q": "zs"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content and "张三丰" in fragment.content.decode()
    assert client.get("/members/").status_code == 200


def test_search_needs_view_members(client_for, make_user, tree):
    from unionserve.core.roles import Role

    assert client_for(make_user(tree["city"], Role.MEDIATOR)).get("/members/").status_code == 403


def test_prefix_lookup_is_an_index_range_with_startswith_semantics(users, tree):
    """Name and initials prefixes are ranges on their b-tree index, and select exactly what startswith does."""
    from django.db import connection

    from unionserve.members.models import Member
    from unionserve.members.search import prefix_q

    for i, name in enumerate(["张", "张三", "张三丰", "张𠀋", "张A", "弛", "章三"]):
        make_member(tree["g1"], name, number=id_number(seq=100 + i), phone=f"1391111{2300 + i}")
    for prefix in ("张", "张三", "张三丰", "章", "Z", ""):
        assert set(Member.objects.filter(prefix_q("name", prefix)).values_list("name", flat=True)) == set(
            Member.objects.filter(name__startswith=prefix).values_list("name", flat=True)), prefix
    sql, params = Member.objects.filter(prefix_q("name", "张三")).order_by("name").values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "USING INDEX member_name" in plan or "USING COVERING INDEX member_name" in plan, plan
            # Initials: the results come off the (initials, name) index in order, not from a sort of every match.
            initials = Member.objects.filter(prefix_q("initials", "ZS")).order_by("initials", "name", "pk")
            sql, params = initials.values("pk")[:51].query.sql_with_params()
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "INDEX member_initials" in plan and "TEMP B-TREE" not in plan, plan
        else:
            cursor.execute("SET enable_seqscan = off")  # a tiny table: ask whether the index CAN answer
            cursor.execute("EXPLAIN " + sql, params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET enable_seqscan = on")
            assert "member_name" in plan, plan
