"""The register's public module: one scoped policy for finding a member, city-wide only for the 12351 agent."""

from __future__ import annotations

import pytest

from unionserve.core.roles import Role
from unionserve.members import public
from unionserve.members.models import MemberStatus
from unionserve.members.pii import clear_values
from unionserve.members.tests.factories import make_member


@pytest.fixture
def haidian_member(tree):
    return make_member(tree["g3"], "李四", phone="13700001111")


@pytest.mark.django_db
def test_a_station_cannot_find_another_districts_member_by_id_or_phone(users, haidian_member):
    number = clear_values(haidian_member)["id_number"]
    station = users["station"]  # Dongcheng
    assert public.find_member(id_number=number, user=station) is None
    assert public.find_member(phone="13700001111", user=station) is None
    assert public.identify_caller(id_number=number, phone="13700001111", user=station) is None
    assert public.get_member(haidian_member.pk, user=station) is None
    station3 = users["station3"]  # Haidian: its own member
    assert public.find_member(id_number=number, user=station3) == haidian_member
    assert public.find_member(phone="13700001111", user=station3) == haidian_member
    assert public.get_member(str(haidian_member.pk), user=station3) == haidian_member
    assert public.get_member("x", user=station3) is None


@pytest.mark.django_db
def test_the_agent_identifies_a_caller_city_wide(tree, make_user, haidian_member):
    agent = make_user(tree["dept"], Role.HOTLINE_AGENT, username="agent")  # a department: a narrow scope
    number = clear_values(haidian_member)["id_number"]
    assert public.find_member(id_number=number, user=agent) is None  # the one policy: scope
    assert public.identify_caller(id_number=number, user=agent) == haidian_member  # HANDLE_HOTLINE: city-wide
    assert public.identify_caller(phone="13700001111", user=agent) == haidian_member


@pytest.mark.django_db
def test_a_phone_finds_only_the_one_active_member(users, tree):
    make_member(tree["g1"], "甲", phone="13600002222")
    left = make_member(tree["g2"], "乙", phone="13600002222", status=MemberStatus.LEFT)
    found = public.find_member(phone="13600002222", user=users["station"])
    assert found is not None and found != left
    make_member(tree["g2"], "丙", phone="13600002222")
    assert public.find_member(phone="13600002222", user=users["station"]) is None  # two: nobody is guessed


@pytest.mark.django_db
def test_describe_member_is_masked(users, haidian_member):
    brief = public.describe_member(haidian_member)
    assert brief["phone_masked"] == "137****1111" and "13700001111" not in str(brief)
    assert brief["grassroots_code"] == "G3"
