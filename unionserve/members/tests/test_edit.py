"""Editing a member: optimistic locking, special-group history, audit without clear values."""

import pytest
from django.utils import translation

from unionserve.audit.models import AuditEvent
from unionserve.members import actions
from unionserve.members.models import Member, SpecialGroup, SpecialGroupRecord
from unionserve.pii import crypto

from .factories import id_number, make_member


@pytest.fixture
def member(tree):
    return make_member(tree["g1"], "吴九", number=id_number(seq=61), phone="13800001111")


def form_data(member, **changes):
    data = {"version": member.version, "name": member.name, "phone": member.phone_masked, "employment": "",
            "education": "", "skill_certificate": "", "honour": "", "card_number": "", "status": member.status}
    data.update(changes)
    return data


def test_edit_saves_and_records_special_groups(client_for, users, member):
    client = client_for(users["station"])
    assert client.get(f"/members/{member.pk}/edit/").status_code == 200
    response = client.post(f"/members/{member.pk}/edit/", form_data(
        member, name="吴久", phone="13900002222", hardship="on", model_worker="on", honour="北京市劳动模范"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "吴久" and member.initials == "WJ" and member.hardship
    assert member.phone_hash == crypto.lookup_hash("13900002222") and member.phone_masked == "139****2222"
    assert member.version > 1
    records = SpecialGroupRecord.objects.filter(member=member, until__isnull=True)
    assert {r.group for r in records} == {SpecialGroup.HARDSHIP, SpecialGroup.MODEL_WORKER}
    assert all(r.set_by == users["station"] for r in records)
    event = AuditEvent.objects.get(action=actions.MEMBER_UPDATED)
    assert set(event.detail["changed"]) == {"name", "phone", "honour"} and "13900002222" not in str(event.detail)
    # Taking the member out of a group closes the record (the history stays).
    response = client.post(f"/members/{member.pk}/edit/", form_data(member, honour="北京市劳动模范",
                                                                     model_worker="on"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.hardship
    closed = SpecialGroupRecord.objects.get(member=member, group=SpecialGroup.HARDSHIP)
    assert closed.until is not None


def test_unchanged_masked_phone_keeps_the_phone(client_for, users, member):
    client_for(users["station"]).post(f"/members/{member.pk}/edit/", form_data(member, employment="employed"))
    member.refresh_from_db()
    assert member.phone_hash == crypto.lookup_hash("13800001111") and member.employment == "employed"


def test_stale_form_is_refused(client_for, users, member):
    client = client_for(users["station"])
    stale = form_data(member, employment="employed")
    # Somebody else saves first.
    actions.update_member(member, {"education": "bachelor"}, expected_version=member.version,
                          acting_user=users["district"])
    response = client.post(f"/members/{member.pk}/edit/", stale)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    fresh = Member.objects.get(pk=member.pk)
    assert fresh.employment == "" and fresh.education == "bachelor"


def test_invalid_values_are_refused(client_for, users, member):
    client = client_for(users["station"])
    response = client.post(f"/members/{member.pk}/edit/", form_data(member, phone="12345", card_number="123"))
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"phone", "card_number"}


def test_edit_needs_manage_members(client_for, users, member):
    assert client_for(users["auditor"]).get(f"/members/{member.pk}/edit/").status_code == 403
    assert client_for(users["auditor"]).get(f"/members/{member.pk}/").status_code == 200


def test_member_page_sections(client_for, users, member):
    from unionserve.members import sections

    page = client_for(users["station"]).get(f"/members/{member.pk}/")
    # The station's social worker may read cards and mutual aid (roles.AREA_GRANTS), so those areas' sections
    # show; the others answer None for this member or role and are left out.
    shown = page.context["sections"]
    with translation.override("zh-hans"):
        expected = {str(translation.gettext("Jingka card")), str(translation.gettext("Mutual aid"))}
    assert {str(s["title"]) for s in shown} == expected
    sections.register_section("Claims", "members/_test_section.html", lambda m, u: None)
    try:
        assert client_for(users["station"]).get(f"/members/{member.pk}/").context["sections"] == shown
    finally:
        sections.unregister_section("members/_test_section.html")
