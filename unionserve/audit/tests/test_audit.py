"""The audit log: append-only, written by every access change, readable by auditors in scope."""

import pytest
from django.urls import reverse

from unionserve.accounts.roles import Role
from unionserve.audit.log import record
from unionserve.audit.models import AppendOnlyError, AuditAction, AuditEvent


def test_events_cannot_be_changed_or_deleted(users):
    event = record(AuditAction.PERSONAL_DATA_VIEWED, actor=users["station"], detail={"field": "id_number"})
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="login")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_role_changes_are_recorded(client_for, users):
    client = client_for(users["admin"])
    client.post(reverse("accounts:user_edit", args=[users["station"].pk]), {
        "display_name": "x", "org_unit": "110101001", "roles": [Role.SOCIAL_WORKER, Role.MEDIATOR]})
    events = AuditEvent.objects.filter(action="role_granted", object_id=str(users["station"].pk))
    event = events.get(detail__role="mediator")
    assert event.actor == users["admin"] and event.actor_username == "admin"


def test_auditor_browses_filters_and_exports(client_for, users):
    record(AuditAction.PERSONAL_DATA_VIEWED, actor=users["station"], detail={"member": 1})
    client = client_for(users["auditor"])
    page = client.get(reverse("audit:list"), {"action": "pii_viewed"}).content.decode()
    assert "station" in page
    response = client.get(reverse("audit:export"), {"action": "pii_viewed"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff") and "station" in body and body.count("\n") == 2
    assert AuditEvent.objects.filter(action="audit_exported", actor=users["auditor"]).exists()


def test_a_district_auditor_reads_only_its_district(client_for, users, tree, make_user):
    record(AuditAction.PERSONAL_DATA_VIEWED, actor=users["station"], detail={"member": 1})
    record(AuditAction.PERSONAL_DATA_VIEWED, actor=users["station3"], detail={"member": 2})
    auditor = make_user(tree["dc"], Role.AUDITOR, username="dcauditor")
    client = client_for(auditor)
    response = client.get(reverse("audit:export"), {"action": "pii_viewed"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert "station3" not in body and "station," in body


def test_others_may_not_read_the_log(client_for, users):
    assert client_for(users["station"]).get(reverse("audit:list")).status_code == 403
