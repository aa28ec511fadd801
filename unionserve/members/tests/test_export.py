"""Export to XLSX: masked by default, unmasked only for VIEW_PII on request, audited with filter and rows."""

import io

import openpyxl
import pytest

from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.members import pii

from .factories import id_number, make_employer, make_member


@pytest.fixture
def members(tree):
    return [make_member(tree["g1"], name, number=id_number(seq=50 + i), phone=f"1391234567{i}", hardship=i == 0)
            for i, name in enumerate(["钱一", "钱二", "孙三"])]


def rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


def test_masked_export(client_for, users, members):
    data = rows(client_for(users["station"]).post("/members/export/", {"q": "钱"}))
    assert len(data) == 3
    ids = {r[1] for r in data[1:]}
    assert ids == {m.id_masked for m in members[:2]}
    assert len(data[0]) == 16  # no hardship / single-parent columns in a masked file
    assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORTED).exists()


def test_unmasked_export_is_audited(client_for, users, members):
    data = rows(client_for(users["station"]).post("/members/export/", {"q": "钱", "unmasked": "on"}))
    assert {r[1] for r in data[1:]} == {pii.clear_values(m)["id_number"] for m in members[:2]}
    assert {r[4] for r in data[1:]} == {"13912345670", "13912345671"}
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_EXPORTED)
    assert event.actor == users["station"]
    assert event.detail["rows"] == 2 and event.detail["filter"]["q"] == "钱"


def test_an_id_number_in_the_filter_is_masked_in_the_audit_log(client_for, users, members):
    number = pii.clear_values(members[2])["id_number"]
    data = rows(client_for(users["station"]).post("/members/export/", {"q": number, "unmasked": "on"}))
    assert len(data) == 2
    event = AuditEvent.objects.get(action=AuditAction.PERSONAL_DATA_EXPORTED)
    assert number not in str(event.detail) and event.detail["filter"]["q"] == members[2].id_masked


def test_export_needs_export_members_and_unmasked_needs_view_pii(client_for, users, tree, make_user, members,
                                                               monkeypatch):
    from django.core.exceptions import PermissionDenied

    from unionserve.core.roles import VIEW_PII
    from unionserve.members import export

    assert client_for(users["auditor"]).post("/members/export/", {}).status_code == 403
    with pytest.raises(PermissionDenied):
        export.export_members(users["auditor"], export.MemberFilter())
    # A user who may export but not see personal data in full (no such role yet; simulated).
    user = users["station"]
    original = type(user).has_perm
    monkeypatch.setattr(type(user), "has_perm", lambda self, perm, obj=None: perm != VIEW_PII and original(
        self, perm, obj))
    with pytest.raises(PermissionDenied):
        export.export_members(user, export.MemberFilter(), unmasked=True)
    client = client_for(user)
    assert "unmasked" not in client.get("/members/export/").content.decode()
    data = rows(client.post("/members/export/", {"unmasked": "on"}))
    assert {r[1] for r in data[1:]} == {m.id_masked for m in members}
    assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_EXPORTED).exists()


def test_export_form_is_prefilled_from_the_search(client_for, users, members):
    page = client_for(users["station"]).get("/members/export/", {"q": "钱"})
    assert page.status_code == 200 and 'value="钱"' in page.content.decode()


def test_employer_export(client_for, users, tree):
    make_employer(tree["st1"], name="东华门贸易公司")
    make_employer(tree["st3"], name="中关村贸易公司")
    data = rows(client_for(users["station"]).get("/members/employers/export/"))
    assert [r[0] for r in data[1:]] == ["东华门贸易公司"]
