"""The audit log: append-only, written by every access change, readable by auditors in scope."""

import pytest
from django.urls import reverse

from unionserve.audit.log import record
from unionserve.audit.models import AppendOnlyError, AuditAction, AuditEvent
from unionserve.core.roles import Role


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


def test_the_list_pages_newer_to_older_without_counting(client_for, users, monkeypatch):
    """The log grows by every unmasked view: its list never counts it, and reads the units in the same query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from unionserve.audit import views

    monkeypatch.setattr(views, "PAGE", 2)
    for n in range(5):
        record(AuditAction.PERSONAL_DATA_VIEWED, actor=users["station"], username=f"viewer-{n}")
    client = client_for(users["auditor"])
    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("audit:list"), {"action": "pii_viewed"}).content.decode()
    assert "viewer-4" in first and "viewer-3" in first and "viewer-2" not in first  # newest first
    assert "page=2" in first
    assert not [q for q in queries if "COUNT(" in q["sql"].upper() and "audit_auditevent" in q["sql"]]
    assert len([q for q in queries if "orgs_orgunit" in q["sql"] and "audit_auditevent" not in q["sql"]]) <= 1
    last = client.get(reverse("audit:list"), {"action": "pii_viewed", "page": 3}).content.decode()
    assert "viewer-0" in last and "page=4" not in last and "page=2" in last


@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditevent SET action = 'login' WHERE id = %s",
    "UPDATE audit_auditevent SET actor_id = NULL, actor_username = 'nobody' WHERE id = %s",
    "DELETE FROM audit_auditevent WHERE id = %s",
])
def test_the_database_itself_refuses_raw_updates_and_deletes(users, statement):
    """The guard is in the database (a trigger on SQLite and PostgreSQL alike), not only in Django's manager."""
    from django.db import DatabaseError, connection, transaction

    event = record(AuditAction.PERSONAL_DATA_VIEWED, actor=users["station"], detail={"field": "id_number"})
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [event.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        # Django's base manager skips the model's own refusal; the database still says no.
        AuditEvent._base_manager.filter(pk=event.pk).update(action="login")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        models_delete = AuditEvent._base_manager.filter(pk=event.pk)
        models_delete._raw_delete(models_delete.db)
    event.refresh_from_db()
    assert event.action == AuditAction.PERSONAL_DATA_VIEWED and event.actor_username == "station"


def test_inserts_stay_allowed_through_raw_sql_for_a_restore(users):
    from django.db import connection

    before = AuditEvent.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_auditevent (at, action, actor_username, object_type, object_id, "
                       "object_repr, user_agent, detail) VALUES (%s, 'login', 'restored', '', '', '', '', '{}')",
                       ["2026-01-01 00:00:00+00:00"])
    assert AuditEvent.objects.count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_flush_between_transactional_tests_lifts_the_guard_only_for_itself(django_user_model):
    from django.core.management import call_command
    from django.db import DatabaseError, connection

    record(AuditAction.LOGIN_FAILED, actor=None, detail={})
    call_command("flush", verbosity=0, interactive=False)
    assert AuditEvent.objects.count() == 0
    event = record(AuditAction.LOGIN_FAILED, actor=None, detail={})
    with pytest.raises(DatabaseError, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
