"""The demo account `station2` works at the real 中关村街道 station, which has members and 12351 affairs."""

from __future__ import annotations

from django.urls import reverse

from unionserve.accounts.demo import seed_demo_accounts
from unionserve.accounts.models import User
from unionserve.hotline.demo import seed_demo_requests
from unionserve.members.demo import seed_demo_members
from unionserve.members.models import Member
from unionserve.orgs.models import OrgUnit
from unionserve.orgs.seed import seed_beijing
from unionserve.workflow.models import Step


def test_station2_sits_at_zhongguancun_with_members_and_affairs(client, db):
    seed_beijing()
    seed_demo_accounts()
    seed_demo_members(per_unit=3)
    seed_demo_requests()
    station2 = User.objects.select_related("org_unit").get(username="station2")
    assert station2.org_unit.code == "110108011" and station2.org_unit.name == "中关村街道工会服务站"
    assert OrgUnit.objects.get(code="110108011").division_code == "110108011"
    assert Member.objects.filter(grassroots__region_parent=station2.org_unit).exists()
    assert Step.objects.filter(unit=station2.org_unit, process="affair").exists()

    client.force_login(station2)
    members = client.get(reverse("members:search")).content.decode()
    assert "中关村" in members
    inbox = client.get(reverse("workflow:inbox")).content.decode()
    assert "SW" in inbox
