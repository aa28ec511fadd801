"""Near-duplicates: same name and mobile under different ID numbers; reviewed and merged inside the scope."""

import pytest

from unionserve.audit.models import AuditEvent
from unionserve.members import actions
from unionserve.members.duplicates import near_duplicates
from unionserve.members.models import MembershipHistory, MemberStatus, SpecialGroup, SpecialGroupRecord

from .factories import id_number, make_member


@pytest.fixture
def pair(tree):
    # One person entered twice: the ID number mistyped after the birth date.
    a = make_member(tree["g1"], "孙七", number=id_number(seq=41), phone="13700001111", card_number="")
    b = make_member(tree["g2"], "孙七", number=id_number(seq=42), phone="13700001111",
                    card_number="6217000000000000003", education="bachelor")
    return a, b


def test_listing(users, tree, pair):
    make_member(tree["g1"], "孙七", number=id_number(seq=43), phone="13700009999")  # same name, other mobile
    make_member(tree["g1"], "周八", number=id_number(seq=44), phone="13700001111")  # same mobile, other name
    groups, more = near_duplicates(users["station"])
    assert not more and len(groups) == 1
    assert {m.pk for m in groups[0].members} == {m.pk for m in pair}
    assert groups[0].same_birth_date
    assert near_duplicates(users["station3"]) == ([], False)


def test_listing_is_scoped_per_member(users, pair):
    # The grassroots officer of g1 sees only one of the two: no pair to review.
    assert near_duplicates(users["grassroots"]) == ([], False)


def test_merge_moves_history_and_groups_and_marks_the_other_left(users, pair):
    a, b = pair
    actions.set_special_group(b, SpecialGroup.HARDSHIP, True, acting_user=users["station"])
    kept = actions.merge_members(a, b, acting_user=users["station"], note="同一人")
    b.refresh_from_db()
    assert b.status == MemberStatus.LEFT and b.card_number == ""
    assert kept.card_number == "6217000000000000003" and kept.education == "bachelor" and kept.hardship
    assert MembershipHistory.objects.filter(member=kept).count() == 2
    assert SpecialGroupRecord.objects.filter(member=kept, group=SpecialGroup.HARDSHIP, until__isnull=True).exists()
    marker = MembershipHistory.objects.get(member=b)
    assert marker.reason == f"merged into member {a.pk}"
    event = AuditEvent.objects.get(action=actions.MEMBERS_MERGED)
    assert event.detail["merged"] == b.pk and event.detail["note"] == "同一人"
    assert near_duplicates(users["station"]) == ([], False)


def test_merge_page(client_for, users, pair):
    a, b = pair
    client = client_for(users["station"])
    page = client.get("/members/duplicates/")
    assert page.status_code == 200 and a.id_masked in page.content.decode()
    response = client.post("/members/duplicates/merge/", {"members": f"{a.pk},{b.pk}", "keep": b.pk, "note": ""})
    assert response.status_code == 302 and response["Location"] == f"/members/{b.pk}/"
    a.refresh_from_db()
    assert a.status == MemberStatus.LEFT


def test_merge_outside_scope_is_refused(client_for, users, pair):
    a, b = pair
    response = client_for(users["grassroots"]).post("/members/duplicates/merge/",
                                                    {"members": f"{a.pk},{b.pk}", "keep": a.pk})
    assert response.status_code == 404
    b.refresh_from_db()
    assert b.status == MemberStatus.ACTIVE
    assert client_for(users["auditor"]).get("/members/duplicates/").status_code == 403
