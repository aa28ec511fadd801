"""The audit log's guard in the database: triggers that refuse every UPDATE and DELETE of `audit_auditevent`.

Django refuses them already (`AuditEventQuerySet`), but a base-manager `update()`, a raw statement or another
client would not pass through it; the database refuses them itself. Inserts stay allowed (the log grows, and a
restore loads rows). PostgreSQL also refuses TRUNCATE. The migration installs the guard; `manage.py flush` (which
empties every table, e.g. between transactional tests) lifts it for its own statements only and puts it back.
"""

from __future__ import annotations

TABLE = "audit_auditevent"
MESSAGE = "The audit log is append-only."

_SQLITE_INSTALL = [
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
]
_SQLITE_REMOVE = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete"]

_POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END $$""",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}",
    f"CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_append_only()",
]
_POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_append_only()",
]


def _statements(connection, install: bool) -> list[str]:
    if connection.vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_REMOVE
    if connection.vendor == "postgresql":
        return _POSTGRES_INSTALL if install else _POSTGRES_REMOVE
    return []  # another database: Django's own refusal only


def install(connection) -> None:
    """Put the guard on (idempotent)."""
    with connection.cursor() as cursor:
        for sql in _statements(connection, install=True):
            cursor.execute(sql)


def remove(connection) -> None:
    """Take the guard off (only the migration's reversal and `flush` do)."""
    with connection.cursor() as cursor:
        for sql in _statements(connection, install=False):
            cursor.execute(sql)
