"""A member's ID number and phone in clear, from every role: VIEW_PII and the member in scope, nothing else."""

from __future__ import annotations

import pytest

from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.core.roles import Role

from .factories import id_number, make_member

PHONE = "13812345678"
#: (unit, role, allowed) for a member of g1 (under station 1 and the bus company).
MATRIX = [
    ("city", Role.AUDITOR, False), ("city", Role.HOTLINE_AGENT, False), ("city", Role.CITY_OFFICE, True),
    ("city", Role.SYSTEM_ADMIN, True), ("dept", Role.DEPARTMENT_STAFF, False), ("dc", Role.CENTER_STAFF, True),
    ("co", Role.CENTER_STAFF, True), ("st1", Role.SOCIAL_WORKER, True), ("st3", Role.SOCIAL_WORKER, False),
    ("hd", Role.CENTER_STAFF, False), ("g1", Role.GRASSROOTS_OFFICER, True), ("g2", Role.GRASSROOTS_OFFICER, False),
    ("dc", Role.MEDIATOR, False), ("dc", Role.LAWYER, False), ("dc", Role.MUTUAL_INSURANCE, True),
    ("ind2", Role.CENTER_STAFF, False),
]


@pytest.mark.parametrize("unit,role,allowed", MATRIX)
def test_reveal_by_role(client, tree, make_user, unit, role, allowed):
    if unit == "ind2" and role == Role.CENTER_STAFF:
        from unionserve.orgs.actions import create_unit
        from unionserve.orgs.models import UnitKind

        tree["ind2"] = create_unit(name="教育系统公司工会", kind=UnitKind.COMPANY_UNION, industry_parent=tree["ind2"],
                                   code="IND01C01")
    member = make_member(tree["g1"], "张三", number=id_number(seq=9), phone=PHONE)
    user = make_user(tree[unit], role, username="reader")
    client.force_login(user)
    url = f"/members/{member.pk}/reveal/"
    response = client.post(url)
    if allowed:
        assert response.status_code == 200 and PHONE in response.content.decode()
        assert AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED, actor=user).exists()
    else:
        assert response.status_code in (403, 404), response.status_code
        assert PHONE not in response.content.decode()
        assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED, actor=user).exists()
        page = client.get(f"/members/{member.pk}/")
        assert url not in page.content.decode() and PHONE not in page.content.decode()
