# ruff: noqa: S608 - table and column names in the SQL below are this module's constants; values are parameters
"""Writing validated member rows: a staging table, then set-based SQL in one transaction.

1. **Stage** (during validation, outside any transaction on the register): validated rows go into a temporary
   table of this connection — SQLite: ``executemany`` in batches, each its own transaction on the *temp*
   database, so the register is not locked while the file is validated; PostgreSQL: ``COPY … FROM STDIN``.
2. **Write** (``write_members``), in **one** transaction: joint unions created where needed; the stage is
   classified against the register by ID hash — new, transferred (another grassroots union), updated (any
   other field differs), unchanged; then one statement each inserts the new members, updates the changed
   ones, keeps the history of transfers, opens and closes special-group records. A killed process leaves the
   transaction uncommitted: the register is as it was before (docs/decisions/0009-member-import.md).

When the import adds more rows than the register holds (a first load), the register's secondary indexes are
dropped inside the transaction and built again at its end — building an index from all rows at once is
several times faster than maintaining it row by row — exactly as they were (their SQL is read from the
database's catalog). Unique constraints stay, so a duplicate still fails the whole transaction.

The SQL runs on both databases (``IS DISTINCT FROM``, ``UPDATE … FROM`` need SQLite ≥ 3.39).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from .rows import STAGE_FIELDS

STAGE = "import_stage"
SQLITE_BATCH = 20_000
#: Columns compared to decide that a member changed (the ID number is the key and never changes).
COMPARED = ("name", "initials", "birth_date", "gender", "phone_hash", "employer_id", "grassroots_id", "joined_on",
            "employment", "education", "skill_certificate", "honour", "hardship", "single_mother", "card_number",
            "ethnicity", "hukou")
UPDATED = ("name", "initials", "phone_hash", "phone_masked", "employer_id", "grassroots_id", "joined_on", "employment",
           "education", "skill_certificate", "honour", "hardship", "single_mother", "card_number", "ethnicity", "hukou")
_TYPES = {"row_no": "bigint", "birth_date": "date", "joined_on": "date", "employer_id": "bigint",
          "grassroots_id": "bigint", "hardship": "boolean", "single_mother": "boolean"}
#: Special groups: (group, the stage column that holds the state, whether it is a yes/no column).
GROUPS = (("model_worker", "honour", False), ("skilled", "skill_certificate", False),
          ("hardship", "hardship", True), ("single_mother", "single_mother", True))


@dataclass
class WriteResult:
    created: int = 0
    updated: int = 0
    transferred: int = 0
    unchanged: int = 0
    #: old grassroots id → [(member id, member name, masked ID, new grassroots id)] of those transferred out
    transfers: dict[int, list[tuple[int, str, str, int]]] = field(default_factory=dict)


class Stage:
    """The temporary staging table of this connection."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.rows = 0
        cols = ", ".join(f"{c} {_TYPES.get(c, 'text')}" for c in STAGE_FIELDS)
        extra = ("member_id bigint, action char(1), old_grassroots_id bigint, old_employer_id bigint, "
                 "old_skill_certificate text, old_honour text, old_hardship boolean, old_single_mother boolean")
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            if self.vendor == "sqlite" and not connection.in_atomic_block:
                # The stage of a large file is bigger than memory: keep it in a temporary file, with its own cache.
                cursor.execute("PRAGMA temp_store = FILE")
                cursor.execute("PRAGMA temp.cache_size = -65536")
            cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} ({cols}, {extra})")

    def add(self, rows: list[tuple]) -> None:
        """Append validated rows (STAGE_FIELDS order)."""
        if not rows:
            return
        raw = connection.connection
        if self.vendor == "sqlite":
            sql = f"INSERT INTO {STAGE} ({', '.join(STAGE_FIELDS)}) VALUES ({', '.join('?' * len(STAGE_FIELDS))})"
            for start in range(0, len(rows), SQLITE_BATCH):
                if connection.in_atomic_block:  # a caller's transaction (tests): write within it
                    raw.executemany(sql, rows[start:start + SQLITE_BATCH])
                    continue
                # Only the temp database is written: the register stays unlocked while the file is validated.
                raw.execute("BEGIN")
                try:
                    raw.executemany(sql, rows[start:start + SQLITE_BATCH])
                except BaseException:
                    raw.execute("ROLLBACK")
                    raise
                raw.execute("COMMIT")
        else:
            with raw.cursor() as cursor, cursor.copy(f"COPY {STAGE} ({', '.join(STAGE_FIELDS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        self.rows += len(rows)

    @staticmethod
    def drop_if_any() -> None:
        """Remove the staging table (end of a job, successful or not)."""
        if connection.connection is None or connection.needs_rollback:
            return
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")


def _secondary_indexes(cursor) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the member table's non-unique indexes."""
    if connection.vendor == "sqlite":
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'members_member' "
                       "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%%'")
    else:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'members_member' "
                       "AND indexdef NOT LIKE 'CREATE UNIQUE%%'")
    return [(name, sql) for name, sql in cursor.fetchall()]


def _run(cursor, sql: str, params: Iterable | None = None) -> int:
    cursor.execute(sql, list(params or ()))
    return cursor.rowcount


def write_members(*, job_id: int, user_id: int | None, joint_union_for: Callable[[int], int],
                  on_written: Callable[[WriteResult], None] | None = None) -> WriteResult:
    """Apply the stage to the register in one transaction (the caller holds none). See the module doc.

    ``joint_union_for(station_id) -> grassroots id`` gets or creates a station's joint union;
    ``on_written(result)`` runs last inside the transaction (notifications, audit).
    """
    now = timezone.now()
    source = f"import:{job_id}"
    result = WriteResult()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One import writes at a time: the classification below must still hold at the insert.
            cursor.execute("LOCK TABLE members_member IN SHARE ROW EXCLUSIVE MODE")
        else:
            cursor.execute("PRAGMA cache_size = -262144")
        cursor.execute(f"SELECT DISTINCT -grassroots_id FROM {STAGE} WHERE grassroots_id < 0")
        for (station_id,) in cursor.fetchall():
            _run(cursor, f"UPDATE {STAGE} SET grassroots_id = %s WHERE grassroots_id = %s",
                 [joint_union_for(station_id), -station_id])
        changed = " OR ".join(f"m.{c} IS DISTINCT FROM {STAGE}.{c}" for c in COMPARED)
        _run(cursor, f"""
            UPDATE {STAGE} SET member_id = m.id, old_grassroots_id = m.grassroots_id, old_employer_id = m.employer_id,
                old_skill_certificate = m.skill_certificate, old_honour = m.honour, old_hardship = m.hardship,
                old_single_mother = m.single_mother,
                action = CASE WHEN m.grassroots_id <> {STAGE}.grassroots_id THEN 't'
                              WHEN {changed} THEN 'u' ELSE 's' END
            FROM members_member m WHERE m.id_hash = {STAGE}.id_hash""")
        cursor.execute(f"SELECT COUNT(*) FROM {STAGE} WHERE member_id IS NULL")
        new = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM members_member")
        existing = cursor.fetchone()[0]
        rebuild = _secondary_indexes(cursor) if new > max(existing, 50_000) else []
        for name, _sql in rebuild:
            cursor.execute(f'DROP INDEX "{name}"')
        if new:
            member_cols = [c for c in STAGE_FIELDS if c != "row_no"]
            cols = ", ".join(member_cols)
            result.created = _run(cursor, f"""
                INSERT INTO members_member ({cols}, status, created_at, updated_at, version)
                SELECT {cols}, 'active', %s, %s, 1 FROM {STAGE} WHERE member_id IS NULL""", [now, now])
            _run(cursor, f"""UPDATE {STAGE} SET member_id = m.id, action = 'n' FROM members_member m
                             WHERE {STAGE}.member_id IS NULL AND m.id_hash = {STAGE}.id_hash""")
        for _name, sql in rebuild:
            cursor.execute(sql)
        sets = ", ".join(f"{c} = s.{c}" for c in UPDATED)
        changed_rows = _run(cursor, f"""
            UPDATE members_member SET {sets},
                phone_encrypted = CASE WHEN members_member.phone_hash = s.phone_hash
                                       THEN members_member.phone_encrypted ELSE s.phone_encrypted END,
                updated_at = %s, version = members_member.version + 1
            FROM {STAGE} s WHERE s.member_id = members_member.id AND s.action IN ('u', 't')""", [now])
        cursor.execute(f"SELECT action, COUNT(*) FROM {STAGE} GROUP BY action")
        counts = dict(cursor.fetchall())
        result.transferred = counts.get("t", 0)
        result.updated = counts.get("u", 0)
        result.unchanged = counts.get("s", 0)
        assert changed_rows in (-1, result.updated + result.transferred), changed_rows
        if result.transferred:
            _transfers(cursor, now, job_id, result)
        _special_groups(cursor, now, user_id, source)
        if on_written is not None:
            on_written(result)
    return result


def _transfers(cursor, now, job_id: int, result: WriteResult) -> None:
    """History of the units of transferred members: the old unit closed, the new one open."""
    reason = f"import #{job_id}"
    # A member without history yet: record the unit they leave, since they were registered.
    _run(cursor, f"""
        INSERT INTO members_membershiphistory (member_id, employer_id, grassroots_id, since, until, reason)
        SELECT s.member_id, s.old_employer_id, s.old_grassroots_id, m.created_at, %s, ''
        FROM {STAGE} s JOIN members_member m ON m.id = s.member_id
        WHERE s.action = 't' AND NOT EXISTS (SELECT 1 FROM members_membershiphistory h WHERE h.member_id = s.member_id)
    """, [now])
    _run(cursor, f"""UPDATE members_membershiphistory SET until = %s WHERE until IS NULL AND since < %s
                     AND member_id IN (SELECT member_id FROM {STAGE} WHERE action = 't')""", [now, now])
    _run(cursor, f"""
        INSERT INTO members_membershiphistory (member_id, employer_id, grassroots_id, since, until, reason)
        SELECT member_id, employer_id, grassroots_id, %s, NULL, %s FROM {STAGE} WHERE action = 't'""", [now, reason])
    cursor.execute(f"SELECT old_grassroots_id, member_id, name, id_masked, grassroots_id FROM {STAGE} "
                   "WHERE action = 't' ORDER BY old_grassroots_id, row_no")
    for old, member_id, name, masked, new in cursor.fetchall():
        result.transfers.setdefault(old, []).append((member_id, name, masked, new))


def _special_groups(cursor, now, user_id: int | None, source: str) -> None:
    """Open a special-group record where a flag became true (or its detail changed), close it where it ended."""
    for group, column, yes_no in GROUPS:
        differs = f"old_{column} IS DISTINCT FROM {column}"
        on = column if yes_no else f"{column} <> ''"
        _run(cursor, f"""UPDATE members_specialgrouprecord SET until = %s
                         WHERE until IS NULL AND "group" = %s AND member_id IN (
                             SELECT member_id FROM {STAGE} WHERE action IN ('u', 't') AND {differs})""", [now, group])
        detail = "''" if yes_no else column
        _run(cursor, f"""
            INSERT INTO members_specialgrouprecord (member_id, "group", detail, since, until, set_by_id, source)
            SELECT member_id, %s, {detail}, %s, NULL, %s, %s FROM {STAGE}
            WHERE {on} AND (action = 'n' OR (action IN ('u', 't') AND {differs}))""", [group, now, user_id, source])
