"""The applicant's phone in clear, from every role: the right to see personal data (VIEW_PII, or the assigned
lawyer's CONTACT_APPLICANTS) and the case in scope, in the one policy of unionserve.pii; nothing else."""

from __future__ import annotations

import pytest

from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.core.roles import Role
from unionserve.legalaid import actions as la_actions

from .test_pages import accepted_down

PHONE = "13800138000"
#: (unit, role, allowed) for a Dongcheng case assigned to lawyer1 (at Dongcheng).
MATRIX = [
    ("city", Role.AUDITOR, False), ("city", Role.HOTLINE_AGENT, False), ("city", Role.CITY_OFFICE, True),
    ("city", Role.DEPARTMENT_STAFF, False), ("dept", Role.DEPARTMENT_STAFF, False), ("dc", Role.CENTER_STAFF, True),
    ("dc", Role.MEDIATOR, False), ("dc", Role.MUTUAL_INSURANCE, True), ("hd", Role.CENTER_STAFF, False),
    ("st1", Role.SOCIAL_WORKER, False), ("st3", Role.SOCIAL_WORKER, False), ("co", Role.CENTER_STAFF, False),
]


@pytest.fixture
def case(la):
    return la_actions.assign(accepted_down(la), actor=la["dc"], contract=la["contract_a"].pk, lawyer=la["a1"].pk)


def _assert_refused(client, user, case):
    url = f"/legalaid/cases/{case.number}/reveal/"
    response = client.post(url)
    assert response.status_code in (403, 404), response.status_code
    assert PHONE not in response.content.decode()
    assert url not in client.get(f"/work/cases/{case.number}/").content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED, actor=user).exists()


@pytest.mark.parametrize("unit,role,allowed", MATRIX)
def test_reveal_by_role(client, tree, make_user, case, unit, role, allowed):
    user = make_user(tree[unit], role, username="reader")
    client.force_login(user)
    if allowed:
        response = client.post(f"/legalaid/cases/{case.number}/reveal/")
        assert response.status_code == 200 and PHONE in response.content.decode()
        assert AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_VIEWED, actor=user).exists()
    else:
        _assert_refused(client, user, case)


def test_lawyers_see_the_phone_only_on_their_own_case(client, la, case):
    client.force_login(la["lawyer1"])
    assert PHONE in client.post(f"/legalaid/cases/{case.number}/reveal/").content.decode()
    for name in ("lawyer2", "lawyer_city"):
        client.force_login(la[name])
        _assert_refused(client, la[name], case)
