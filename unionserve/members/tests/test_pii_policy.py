"""The one reveal and finding policy of unionserve.pii, on the register's members."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from unionserve import pii
from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.core.roles import Role
from unionserve.members.tests.factories import id_number, make_member


@pytest.mark.django_db
def test_reveal_needs_view_pii_and_scope_and_writes_the_audit_row(tree, users, make_user):
    member = make_member(tree["g1"], "王芳", number=id_number(), phone="13912345678")
    station = users["station"]  # the member's station: VIEW_PII, in scope
    assert pii.may_reveal(station, member)
    values = pii.reveal(member, ["phone"], user=station, unit=member.grassroots, reason="回访")
    assert values == {"phone": "13912345678"}
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_VIEWED)
    assert event.actor == station and event.object_id == str(member.pk)
    assert event.detail == {"fields": ["phone"], "reason": "回访"}
    agent = make_user(tree["city"], Role.HOTLINE_AGENT, username="agent")
    for user in (users["auditor"], agent, users["station3"]):  # no VIEW_PII; out of scope
        assert not pii.may_reveal(user, member)
        with pytest.raises(PermissionDenied):
            pii.reveal(member, ["phone"], user=user)
    assert AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED).count() == 1


@pytest.mark.django_db
def test_find_person_is_scoped_unless_the_caller_says_everywhere(tree, users):
    from unionserve.members.models import Member

    member = make_member(tree["g3"], "李四", phone="13700001111")  # Haidian
    number = pii.decrypt_unchecked(member.id_encrypted)
    assert pii.find_person(Member.objects.all(), user=users["station3"], id_number=number) == member
    assert pii.find_person(Member.objects.all(), user=users["station"], id_number=number) is None
    assert pii.find_person(Member.objects.all(), user=users["station"], phone="13700001111") is None
    assert pii.find_person(Member.objects.all(), user=None, phone="13700001111", everywhere=True) == member
