"""Transfers: history rows, the old union told, the joint union for employers without one, the receiving side."""

import pytest
from django.core.exceptions import ValidationError

from unionserve.audit.models import AuditEvent
from unionserve.members import actions, pii
from unionserve.members.models import Member, MembershipHistory
from unionserve.notifications.models import Notification
from unionserve.orgs.models import OrgUnit, UnitKind

from .factories import id_number, make_employer, make_member


@pytest.fixture
def member(tree):
    employer = make_employer(tree["st1"], name="公交一厂", grassroots=tree["g1"])
    return make_member(tree["g1"], "王五", number=id_number(seq=31), employer=employer)


def test_transfer_to_another_union_keeps_history_and_tells_the_old_one(users, tree, member, make_user):
    g1_officer = users["grassroots"]
    target = make_employer(tree["st1"], name="东华门科技", grassroots=tree["g2"])
    member = actions.transfer_member(member, to_employer=target, acting_user=users["station"], reason="换工作")
    assert member.grassroots == tree["g2"] and member.employer == target and member.version == 2
    rows = list(MembershipHistory.objects.filter(member=member).order_by("since", "id"))
    assert [(r.grassroots_id, r.until is None) for r in rows] == [(tree["g1"].pk, False), (tree["g2"].pk, True)]
    assert rows[1].reason == "换工作"
    note = Notification.objects.get(recipient_user=g1_officer)
    assert "王五" in note.body and tree["g2"].name in note.body
    assert pii.clear_values(member)["id_number"] not in note.body  # masked ID only
    assert AuditEvent.objects.filter(action=actions.MEMBER_TRANSFERRED, object_id=str(member.pk)).exists()


def test_employer_without_union_sends_the_member_to_the_station_joint_union(users, tree, member):
    no_union = make_employer(tree["st1"], name="小店")
    member = actions.transfer_member(member, to_employer=no_union, acting_user=users["station"], reason="")
    joint = member.grassroots
    assert joint.kind == UnitKind.GRASSROOTS and joint.region_parent == tree["st1"]
    assert joint.name == actions.joint_union_name(tree["st1"]) and joint.name.endswith("联合工会")
    assert member.employer == no_union
    # Made once: the next member goes to the same joint union.
    other = make_member(tree["g1"], "赵六", number=id_number(seq=32))
    other = actions.transfer_member(other, to_employer=no_union, acting_user=users["station"], reason="")
    assert other.grassroots == joint
    assert OrgUnit.objects.filter(name=joint.name).count() == 1


def test_joint_union_name_drops_the_station_suffix(tree):
    station = OrgUnit(name="东华门街道工会服务站", kind=UnitKind.STATION, code="X")
    assert actions.joint_union_name(station) == "东华门街道联合工会"


def test_target_outside_scope_is_refused(users, tree, member):
    with pytest.raises(ValidationError):
        actions.transfer_member(member, to_grassroots=tree["g3"], acting_user=users["station"], reason="")
    member.refresh_from_db()
    assert member.grassroots == tree["g1"]


def test_the_receiving_side_takes_a_member_from_another_district(client_for, users, tree, member):
    number = pii.clear_values(member)["id_number"]
    client = client_for(users["station3"])
    assert client.get(f"/members/{member.pk}/").status_code == 404  # not theirs yet
    # The name must match the ID number.
    response = client.post("/members/receive/", {"id_number": number, "name": "别人", "grassroots": "G3",
                                                 "reason": "调入"})
    assert response.status_code == 200
    assert Member.objects.get(pk=member.pk).grassroots == tree["g1"]
    response = client.post("/members/receive/", {"id_number": number, "name": "王五", "grassroots": "G3",
                                                 "reason": "调入"})
    assert response.status_code == 302 and response["Location"] == f"/members/{member.pk}/"
    assert Member.objects.get(pk=member.pk).grassroots == tree["g3"]
    assert client.get(f"/members/{member.pk}/").status_code == 200
    assert client_for(users["grassroots"]).get(f"/members/{member.pk}/").status_code == 404
    assert Notification.objects.filter(recipient_user=users["grassroots"]).exists()


def test_transfer_page(client_for, users, tree, member):
    client = client_for(users["station"])
    assert client.get(f"/members/{member.pk}/transfer/").status_code == 200
    response = client.post(f"/members/{member.pk}/transfer/", {"grassroots": "G2", "reason": "调动"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.grassroots == tree["g2"]
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert tree["g1"].name in page and "调动" in page  # the history on the member page
    # Nothing to do, or another district's union: the form says so.
    assert client.post(f"/members/{member.pk}/transfer/", {"grassroots": "G2", "reason": "x"}).status_code == 200
    assert client.post(f"/members/{member.pk}/transfer/", {"grassroots": "G3", "reason": "x"}).status_code == 200
    member.refresh_from_db()
    assert member.grassroots == tree["g2"]


def test_transfer_needs_manage_members(client_for, users, member):
    assert client_for(users["auditor"]).get(f"/members/{member.pk}/transfer/").status_code == 403
