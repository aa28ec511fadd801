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

import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

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
#: Columns the writer fills in the stage while it classifies rows.
_EXTRA = ("member_id bigint, action char(1), old_grassroots_id bigint, old_employer_id bigint, "
          "old_skill_certificate text, old_honour text, old_hardship boolean, old_single_mother boolean")
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
        cols, extra = _stage_columns(), _EXTRA
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


def _stage_columns() -> str:
    return ", ".join(f"{c} {_TYPES.get(c, 'text')}" for c in STAGE_FIELDS)


@dataclass(frozen=True)
class StageTarget:
    """Where validating worker processes put their valid rows themselves (the parent never holds them).

    SQLite: each worker writes a file of its own in ``folder`` (one writer per file, no lock waits); the
    parent copies them into its temporary stage before the write (:meth:`gather`). PostgreSQL: every worker
    ``COPY``s into one UNLOGGED table of the job, which is then the stage itself.
    """

    vendor: str
    folder: str = ""
    table: str = ""
    conninfo: tuple[tuple[str, str], ...] = ()

    @classmethod
    def create(cls, job_id: int) -> StageTarget:
        """Make the folder or the table for one job (in the parent, before the workers start)."""
        if connection.vendor == "sqlite":
            return cls("sqlite", folder=tempfile.mkdtemp(prefix=f"unionserve-stage-{job_id}-"))
        table = f"{STAGE}_{int(job_id)}"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE UNLOGGED TABLE {table} ({_stage_columns()}, {_EXTRA})")
        params = connection.get_connection_params()
        keep = ("dbname", "user", "password", "host", "port", "sslmode")
        return cls("postgresql", table=table,
                   conninfo=tuple((k, str(params[k])) for k in keep if params.get(k) not in (None, "")))

    def gather(self) -> str:
        """The parent, after validation: the name of the stage holding every worker's rows."""
        if self.vendor != "sqlite":
            return self.table
        Stage()  # the parent's empty temporary stage
        raw = connection.connection
        cols = ", ".join(STAGE_FIELDS)
        for path in sorted(Path(self.folder).glob("stage-*.sqlite3")):
            raw.execute("ATTACH DATABASE ? AS worker_stage", (str(path),))
            try:
                raw.execute("BEGIN")
                raw.execute(f"INSERT INTO temp.{STAGE} ({cols}) SELECT {cols} FROM worker_stage.stage")
                raw.execute("COMMIT")
            finally:
                raw.execute("DETACH DATABASE worker_stage")
            path.unlink()
        return STAGE

    def discard(self) -> None:
        """Remove the folder or the table (end of the job, whatever happened)."""
        if self.vendor == "sqlite":
            shutil.rmtree(self.folder, ignore_errors=True)
            return
        if connection.connection is None or connection.needs_rollback:
            return
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")


class WorkerStage:
    """A validating worker's end of a :class:`StageTarget` (runs in the worker process, without Django's ORM)."""

    def __init__(self, target: StageTarget) -> None:
        self.target = target
        self.sql_cols = ", ".join(STAGE_FIELDS)
        if target.vendor == "sqlite":
            path = Path(target.folder) / f"stage-{os.getpid()}.sqlite3"
            self.db = sqlite3.connect(path, isolation_level=None)
            # A scratch file: nothing to recover after a crash (the job then fails and the folder is removed).
            self.db.execute("PRAGMA journal_mode = OFF")
            self.db.execute("PRAGMA synchronous = OFF")
            self.db.execute(f"CREATE TABLE IF NOT EXISTS stage ({_stage_columns()})")
        else:
            import psycopg

            self.db = psycopg.connect(**dict(target.conninfo), autocommit=True)

    def add(self, rows: list[tuple]) -> None:
        if not rows:
            return
        if self.target.vendor == "sqlite":
            marks = ", ".join("?" * len(STAGE_FIELDS))
            self.db.execute("BEGIN")
            self.db.executemany(f"INSERT INTO stage ({self.sql_cols}) VALUES ({marks})", rows)
            self.db.execute("COMMIT")
            return
        with self.db.cursor() as cursor, cursor.copy(
                f"COPY {self.target.table} ({self.sql_cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def duplicate_rows(stage: str) -> list[tuple[int, str]]:
    """(row number, masked ID) of every row whose ID number an earlier row of the file already has."""
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT s.row_no, s.id_masked FROM {stage} s
            JOIN (SELECT id_hash, MIN(row_no) AS first_row FROM {stage} GROUP BY id_hash HAVING COUNT(*) > 1) d
              ON d.id_hash = s.id_hash
            WHERE s.row_no > d.first_row ORDER BY s.row_no""")
        return [(int(n), masked) for n, masked in cursor.fetchall()]


def drop_rows(stage: str, row_numbers: list[int]) -> None:
    """Take rows out of the stage (duplicates, in valid-rows mode)."""
    with connection.cursor() as cursor:
        for start in range(0, len(row_numbers), 500):
            part = row_numbers[start:start + 500]
            cursor.execute(f"DELETE FROM {stage} WHERE row_no IN ({', '.join(['%s'] * len(part))})", part)


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
                  on_written: Callable[[WriteResult], None] | None = None, stage: str = STAGE) -> WriteResult:
    """Apply the stage to the register in one transaction (the caller holds none). See the module doc.

    ``joint_union_for(station_id) -> grassroots id`` gets or creates a station's joint union;
    ``on_written(result)`` runs last inside the transaction (notifications, audit); ``stage`` names the
    staging table (the temporary one, or a :class:`StageTarget`'s PostgreSQL table).
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
        cursor.execute(f"SELECT DISTINCT -grassroots_id FROM {stage} WHERE grassroots_id < 0")
        for (station_id,) in cursor.fetchall():
            _run(cursor, f"UPDATE {stage} SET grassroots_id = %s WHERE grassroots_id = %s",
                 [joint_union_for(station_id), -station_id])
        changed = " OR ".join(f"m.{c} IS DISTINCT FROM {stage}.{c}" for c in COMPARED)
        _run(cursor, f"""
            UPDATE {stage} SET member_id = m.id, old_grassroots_id = m.grassroots_id, old_employer_id = m.employer_id,
                old_skill_certificate = m.skill_certificate, old_honour = m.honour, old_hardship = m.hardship,
                old_single_mother = m.single_mother,
                action = CASE WHEN m.grassroots_id <> {stage}.grassroots_id THEN 't'
                              WHEN {changed} THEN 'u' ELSE 's' END
            FROM members_member m WHERE m.id_hash = {stage}.id_hash""")
        cursor.execute(f"SELECT COUNT(*) FROM {stage} WHERE member_id IS NULL")
        new = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM members_member")
        existing = cursor.fetchone()[0]
        rebuild = _secondary_indexes(cursor) if new > max(existing, 50_000) else []
        for name, _sql in rebuild:
            cursor.execute(f'DROP INDEX "{name}"')
        if new:
            _number_new_members(cursor, stage)
            member_cols = [c for c in STAGE_FIELDS if c != "row_no"]
            cols = ", ".join(member_cols)
            result.created = _run(cursor, f"""
                INSERT INTO members_member (id, {cols}, status, created_at, updated_at, version)
                SELECT member_id, {cols}, 'active', %s, %s, 1 FROM {stage} WHERE action = 'n'
                ORDER BY member_id""", [now, now])
        for _name, sql in rebuild:
            cursor.execute(sql)
        # Every statement below reads the whole stage (gigabytes at 4M rows, mostly on disk): skip the ones
        # with nothing to do — a first load has no updated or transferred rows at all.
        cursor.execute(f"SELECT action, COUNT(*) FROM {stage} GROUP BY action")
        counts = dict(cursor.fetchall())
        result.transferred = counts.get("t", 0)
        result.updated = counts.get("u", 0)
        result.unchanged = counts.get("s", 0)
        changed = result.updated + result.transferred
        if changed:
            sets = ", ".join(f"{c} = s.{c}" for c in UPDATED)
            changed_rows = _run(cursor, f"""
                UPDATE members_member SET {sets},
                    phone_encrypted = CASE WHEN members_member.phone_hash = s.phone_hash
                                           THEN members_member.phone_encrypted ELSE s.phone_encrypted END,
                    updated_at = %s, version = members_member.version + 1
                FROM {stage} s WHERE s.member_id = members_member.id AND s.action IN ('u', 't')""", [now])
            assert changed_rows in (-1, changed), changed_rows
        if result.transferred:
            _transfers(cursor, stage, now, job_id, result)
        _special_groups(cursor, stage, now, user_id, source, with_changes=bool(changed))
        if on_written is not None:
            on_written(result)
    return result


def _number_new_members(cursor, stage: str) -> None:
    """Give the stage's new members their ids (and action 'n') before they are inserted.

    Looking the ids up after the insert (by ID hash) cost as much as the insert itself. The ids come after every
    id the table ever gave (SQLite: AUTOINCREMENT's sqlite_sequence; PostgreSQL: the identity sequence); the
    write transaction holds the write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: the table lock above).
    """
    if connection.vendor == "sqlite":
        cursor.execute("SELECT MAX(n) FROM (SELECT MAX(id) AS n FROM members_member UNION ALL "
                       "SELECT seq FROM sqlite_sequence WHERE name = 'members_member')")
        base = cursor.fetchone()[0] or 0
        _run(cursor, f"""
            UPDATE {stage} SET member_id = %s + n.k, action = 'n'
            FROM (SELECT rowid AS r, ROW_NUMBER() OVER (ORDER BY row_no) AS k FROM {stage}
                  WHERE member_id IS NULL) n
            WHERE {stage}.rowid = n.r""", [base])
    else:
        _run(cursor, f"""UPDATE {stage} SET member_id = nextval(pg_get_serial_sequence('members_member', 'id')),
                         action = 'n' WHERE member_id IS NULL""")


def _transfers(cursor, stage: str, now, job_id: int, result: WriteResult) -> None:
    """History of the units of transferred members: the old unit closed, the new one open."""
    reason = f"import #{job_id}"
    # A member without history yet: record the unit they leave, since they were registered.
    _run(cursor, f"""
        INSERT INTO members_membershiphistory (member_id, employer_id, grassroots_id, since, until, reason)
        SELECT s.member_id, s.old_employer_id, s.old_grassroots_id, m.created_at, %s, ''
        FROM {stage} s JOIN members_member m ON m.id = s.member_id
        WHERE s.action = 't' AND NOT EXISTS (SELECT 1 FROM members_membershiphistory h WHERE h.member_id = s.member_id)
    """, [now])
    _run(cursor, f"""UPDATE members_membershiphistory SET until = %s WHERE until IS NULL AND since < %s
                     AND member_id IN (SELECT member_id FROM {stage} WHERE action = 't')""", [now, now])
    _run(cursor, f"""
        INSERT INTO members_membershiphistory (member_id, employer_id, grassroots_id, since, until, reason)
        SELECT member_id, employer_id, grassroots_id, %s, NULL, %s FROM {stage} WHERE action = 't'""", [now, reason])
    cursor.execute(f"SELECT old_grassroots_id, member_id, name, id_masked, grassroots_id FROM {stage} "
                   "WHERE action = 't' ORDER BY old_grassroots_id, row_no")
    for old, member_id, name, masked, new in cursor.fetchall():
        result.transfers.setdefault(old, []).append((member_id, name, masked, new))


def _special_groups(cursor, stage: str, now, user_id: int | None, source: str, *, with_changes: bool = True) -> None:
    """Open a special-group record where a flag became true (or its detail changed), close it where it ended.

    Opening is one pass over the stage for all the groups (the stage row outer, the groups inner: ``CROSS
    JOIN`` keeps SQLite from scanning the stage once per group); closing only when rows were updated.
    """
    if with_changes:
        for group, column, _yes_no in GROUPS:
            _run(cursor, f"""UPDATE members_specialgrouprecord SET until = %s
                             WHERE until IS NULL AND "group" = %s AND member_id IN (
                                 SELECT member_id FROM {stage} WHERE action IN ('u', 't')
                                 AND old_{column} IS DISTINCT FROM {column})""", [now, group])
    groups = " UNION ALL ".join(f"SELECT '{group}' AS grp" for group, _c, _y in GROUPS)
    opens, details = [], []
    for group, column, yes_no in GROUPS:
        on = f"s.{column}" if yes_no else f"s.{column} <> ''"
        changed = f"s.action IN ('u', 't') AND s.old_{column} IS DISTINCT FROM s.{column}"
        opens.append(f"WHEN '{group}' THEN ({on}) AND (s.action = 'n' OR ({changed}))")
        if not yes_no:
            details.append(f"WHEN '{group}' THEN s.{column}")
    _run(cursor, f"""
        INSERT INTO members_specialgrouprecord (member_id, "group", detail, since, until, set_by_id, source)
        SELECT s.member_id, g.grp, CASE g.grp {" ".join(details)} ELSE '' END, %s, NULL, %s, %s
        FROM {stage} s CROSS JOIN ({groups}) g
        WHERE CASE g.grp {" ".join(opens)} ELSE FALSE END""", [now, user_id, source])
