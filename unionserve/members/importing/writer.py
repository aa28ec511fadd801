# ruff: noqa: S608 - table and column names in the SQL below are this module's constants; values are parameters
"""Writing validated member rows: a staging table, then set-based SQL in one transaction.

1. **Stage** (during validation, outside any transaction on the register): validated rows go into a stage
   keyed by their row number in the file (``row_no``, SQLite's INTEGER PRIMARY KEY, so the stage is in file
   order without a sort) — in this process a temporary table of the connection (SQLite: ``executemany`` in
   batches, each its own transaction on the *temp* database, so the register is not locked while the file is
   validated; PostgreSQL: ``COPY … FROM STDIN``); with worker processes each worker's own file, which the
   parent attaches and reads through one view (SQLite; new rows are inserted from it run by run, in file
   order), or one UNLOGGED table they all ``COPY`` into (PostgreSQL). The stage is only ever read by the
   write: nothing rewrites its gigabytes.
2. **Write** (``write_members``), in **one** transaction: joint unions created where needed (a small table
   of station → union the statements join); the rows whose ID hash the register already holds are classified
   — transferred (another grassroots union), updated (any other field differs), unchanged — into a small
   table of their own (``import_match``); every other row is new and gets the id ``base + row_no - 1``, where
   ``base`` is the highest id the table ever gave, inside the ``INSERT … SELECT`` itself; then one statement
   each updates the changed members, keeps the history of transfers, opens and closes special-group records.
   A killed process leaves the transaction uncommitted: the register is as it was before
   (docs/decisions/0009-member-import.md).

When the import adds more rows than the register holds (a first load), the register's indexes other than the
primary key (and on PostgreSQL the foreign keys the rows are checked against) are dropped inside the
transaction and built again at its end — building an index from all rows
at once is several times faster than maintaining it row by row — exactly as they were (their SQL is read from
the database's catalog). That includes the unique index on the ID hash (``Member.Meta.constraints`` makes it a
plain ``CREATE UNIQUE INDEX`` on both databases, so it can be dropped): a repeated ID number then fails the
index's rebuild, and with it the whole transaction.

A repeated ID number never passes silently: two new rows break the unique index, two rows of one registered
member break ``import_match``'s unique ``member_id``. Either raises ``IntegrityError`` and nothing is written;
the runner then finds the rows (``duplicate_rows``) for the report.

The SQL runs on both databases (``IS DISTINCT FROM``, ``UPDATE … FROM`` need SQLite ≥ 3.39).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from .rows import STAGE_FIELDS

STAGE = "import_stage"
MATCH = "import_match"
JOINT = "import_joint"
SQLITE_BATCH = 20_000
#: A first load: more new rows than the register holds, and at least this many (indexes dropped and rebuilt).
FIRST_LOAD_MIN = 50_000
#: Worker files read through one view at most; with more workers their rows are copied into the temp stage.
MAX_ATTACHED = 8
_ATTACHED = "import_worker_"
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
#: The grassroots union of a stage row ``s``: a joint union's (``j``, see ``_joint_unions``) or its own.
GRASSROOTS = "COALESCE(j.grassroots_id, s.grassroots_id)"
JOIN_JOINT = f"LEFT JOIN {JOINT} j ON j.station_id = -s.grassroots_id"


@dataclass
class WriteResult:
    created: int = 0
    updated: int = 0
    transferred: int = 0
    unchanged: int = 0
    #: old grassroots id → [(member id, member name, masked ID, new grassroots id)] of those transferred out
    transfers: dict[int, list[tuple[int, str, str, int]]] = field(default_factory=dict)
    #: seconds spent in each phase of the write (for the job's log line)
    seconds: dict[str, float] = field(default_factory=dict)


def _stage_columns(vendor: str) -> str:
    """Column definitions of a stage; on SQLite ``row_no`` is the rowid (rows kept in file order)."""
    types = {**_TYPES, "row_no": "INTEGER PRIMARY KEY" if vendor == "sqlite" else "bigint"}
    return ", ".join(f"{c} {types.get(c, 'text')}" for c in STAGE_FIELDS)


class Stage:
    """The temporary staging table of this connection (rows validated in this process)."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.rows = 0
        connection.ensure_connection()
        drop_if_any()
        with connection.cursor() as cursor:
            if self.vendor == "sqlite" and not connection.in_atomic_block:
                # The stage of a large file is bigger than memory: keep it in a temporary file, with its own cache.
                cursor.execute("PRAGMA temp_store = FILE")
                cursor.execute("PRAGMA temp.cache_size = -65536")
            cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} ({_stage_columns(self.vendor)})")

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
        """Remove the staging table or view (end of a job, successful or not)."""
        drop_if_any()


def drop_if_any() -> None:
    """Remove this connection's stage — the temporary table, or the view over attached worker files."""
    if connection.connection is None or connection.needs_rollback:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT type FROM sqlite_temp_master WHERE name = %s", [STAGE])
            kind = cursor.fetchone()
            if kind is not None:
                cursor.execute(f"DROP {'VIEW' if kind[0] == 'view' else 'TABLE'} temp.{STAGE}")
            _detach_all(cursor)
        else:
            cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")


def _parts(cursor, stage: str) -> list[str]:
    """The tables behind a stage: each worker file's behind the view, else the stage itself.

    A statement that needs no row order reads them one by one: through the view, SQLite would carry every
    column of every row through its merge.
    """
    if connection.vendor == "sqlite":
        cursor.execute("SELECT type FROM sqlite_temp_master WHERE name = %s", [stage])
        kind = cursor.fetchone()
        if kind is not None and kind[0] == "view":
            return [f"{name}.stage" for name in _attached(cursor)]
    return [stage]


def _attached(cursor) -> list[str]:
    cursor.execute("PRAGMA database_list")
    return [name for _seq, name, _file in cursor.fetchall() if name.startswith(_ATTACHED)]


def _detach_all(cursor) -> None:
    for name in _attached(cursor):
        cursor.execute(f"DETACH DATABASE {name}")


@dataclass(frozen=True)
class StageTarget:
    """Where validating worker processes put their valid rows themselves (the parent never holds them).

    SQLite: each worker writes a file of its own in ``folder`` (one writer per file, no lock waits), rows
    keyed by row number; the parent attaches the files and reads them as one view, merged in row order
    (:meth:`gather`) — nothing is copied. PostgreSQL: every worker ``COPY``s into one UNLOGGED table of the
    job, which is then the stage itself.
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
            cursor.execute(f"CREATE UNLOGGED TABLE {table} ({_stage_columns('postgresql')})")
        params = connection.get_connection_params()
        keep = ("dbname", "user", "password", "host", "port", "sslmode")
        return cls("postgresql", table=table,
                   conninfo=tuple((k, str(params[k])) for k in keep if params.get(k) not in (None, "")))

    def gather(self) -> str:
        """The parent, after validation: the name of the stage holding every worker's rows.

        SQLite: a temporary view over the attached worker files, ``UNION ALL`` in row order (SQLite merges the
        files' rowid orders, no sort). More files than ``MAX_ATTACHED`` are copied into the temp stage instead.
        """
        if self.vendor != "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {self.table}")  # row counts for the planner: the table was empty
            return self.table
        files = sorted(Path(self.folder).glob("stage-*.sqlite3"))
        drop_if_any()
        if not files or len(files) > MAX_ATTACHED:
            return self._copy(files)
        raw = connection.connection
        for i, path in enumerate(files):
            raw.execute(f"ATTACH DATABASE ? AS {_ATTACHED}{i}", (str(path),))
        arms = " UNION ALL ".join(f"SELECT * FROM {_ATTACHED}{i}.stage" for i in range(len(files)))
        raw.execute(f"CREATE TEMP VIEW {STAGE} AS {arms}")
        return STAGE

    def runs(self, runs: Iterable[tuple[int, int, int]]) -> list[tuple[str, int, int]] | None:
        """Where the rows are behind the view of :meth:`gather`: the workers' runs (process id, first and last
        row number, in file order) as (table, first, last), consecutive runs of one file merged.

        None without such a view (PostgreSQL, or worker files copied into one table).
        """
        if self.vendor != "sqlite":
            return None
        files = sorted(Path(self.folder).glob("stage-*.sqlite3"))
        if not files or len(files) > MAX_ATTACHED:
            return None
        table_of = {int(path.stem.removeprefix("stage-")): f"{_ATTACHED}{i}.stage" for i, path in enumerate(files)}
        out: list[tuple[str, int, int]] = []
        for pid, first, last in runs:
            table = table_of[pid]
            if out and out[-1][0] == table:
                out[-1] = (table, out[-1][1], last)
            else:
                out.append((table, first, last))
        return out

    def _copy(self, files: list[Path]) -> str:
        Stage()  # the parent's empty temporary stage
        raw = connection.connection
        cols = ", ".join(STAGE_FIELDS)
        for path in files:
            raw.execute(f"ATTACH DATABASE ? AS {_ATTACHED}copy", (str(path),))
            try:
                raw.execute("BEGIN")
                raw.execute(f"INSERT INTO temp.{STAGE} ({cols}) SELECT {cols} FROM {_ATTACHED}copy.stage")
                raw.execute("COMMIT")
            finally:
                raw.execute(f"DETACH DATABASE {_ATTACHED}copy")
            path.unlink()
        return STAGE

    def discard(self) -> None:
        """Remove the folder or the table (end of the job, whatever happened)."""
        if self.vendor == "sqlite":
            try:
                drop_if_any()  # the view and the attached files first
            finally:
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
            # Either DB-API connection: the methods used on each are the ones both have, or under a vendor test.
            self.db: Any = sqlite3.connect(path, isolation_level=None)
            # A scratch file: nothing to recover after a crash (the job then fails and the folder is removed).
            self.db.execute("PRAGMA journal_mode = OFF")
            self.db.execute("PRAGMA synchronous = OFF")
            self.db.execute(f"CREATE TABLE IF NOT EXISTS stage ({_stage_columns('sqlite')})")
        else:
            import psycopg
            from psycopg.conninfo import make_conninfo

            self.db = psycopg.connect(make_conninfo("", **dict(target.conninfo)), autocommit=True)

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


def renamed_members(stage: str) -> list[tuple[int, str, str, str]]:
    """(row number, masked ID, region path, industry path of the member's union) of every row whose ID number
    the register holds under another name — the caller decides which of them it may not take (a member of
    another station)."""
    out: list[tuple[int, str, str, str]] = []
    with connection.cursor() as cursor:
        for part in _parts(cursor, stage):
            cursor.execute(f"""
                SELECT s.row_no, s.id_masked, g.region_path, g.industry_path
                FROM {part} s JOIN members_member m ON m.id_hash = s.id_hash
                JOIN orgs_orgunit g ON g.id = m.grassroots_id
                WHERE m.name <> s.name""")
            out += [(int(n), masked, region or "", industry or "") for n, masked, region, industry in cursor.fetchall()]
    return sorted(out)


def drop_rows(stage: str, row_numbers: list[int]) -> None:
    """Take rows out of the stage (duplicates, in valid-rows mode): from each worker file behind a view."""
    with connection.cursor() as cursor:
        for table in _parts(cursor, stage):
            for start in range(0, len(row_numbers), 500):
                part = row_numbers[start:start + 500]
                cursor.execute(f"DELETE FROM {table} WHERE row_no IN ({', '.join(['%s'] * len(part))})", part)


def _rebuilt_indexes(cursor) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the member table's indexes dropped for a first load: every index but
    the primary key's — the ID hash's unique one too (a plain index on both databases, see the module doc)."""
    if connection.vendor == "sqlite":
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'members_member' "
                       "AND sql IS NOT NULL")  # without SQL: an index inside the table's definition
    else:
        # Not the indexes of constraints (the primary key): those go with their constraint.
        cursor.execute("""SELECT i.relname, pg_get_indexdef(i.oid)
                          FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
                          WHERE x.indrelid = 'members_member'::regclass
                            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)""")
    return [(name, sql) for name, sql in cursor.fetchall()]


#: Foreign keys a first load on PostgreSQL drops and adds back: those the load's rows are checked against.
#: Not special groups' ``set_by``: dropping it would lock the user table (logins write to it) for the load.
RECHECKED_FOREIGN_KEYS = (("members_member", "employer_id"), ("members_member", "grassroots_id"),
                          ("members_specialgrouprecord", "member_id"))


def _dropped_foreign_keys(cursor) -> list[tuple[str, str, str]]:
    """Drop the foreign keys of ``RECHECKED_FOREIGN_KEYS`` (PostgreSQL, inside the write transaction) and
    return (table, name, definition) of each, to add them back at the end.

    Adding a foreign key checks every row of the table at once; a violation then fails the transaction, as
    the row-by-row check would have. Dropping one locks the table it refers to against writes until the
    transaction ends (employers and org units: rarely written, and a first load is a planned event).
    """
    found = []
    for table, column in RECHECKED_FOREIGN_KEYS:
        cursor.execute("""
            SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
            WHERE c.conrelid = %s::regclass AND c.contype = 'f' AND a.attname = %s AND cardinality(c.conkey) = 1""",
                       [table, column])
        found += [(table, name, definition) for name, definition in cursor.fetchall()]
    for table, name, _definition in found:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return found


def _run(cursor, sql: str, params: Iterable | None = None) -> int:
    cursor.execute(sql, list(params or ()))
    return cursor.rowcount


def write_members(*, job_id: int, user_id: int | None, joint_union_for: Callable[[int], int],
                  on_written: Callable[[WriteResult], None] | None = None, stage: str = STAGE,
                  rows: int | None = None, stations: Iterable[int] | None = None,
                  runs: list[tuple[str, int, int]] | None = None) -> WriteResult:
    """Apply the stage to the register in one transaction (the caller holds none). See the module doc.

    ``joint_union_for(station_id) -> grassroots id`` gets or creates a station's joint union;
    ``on_written(result)`` runs last inside the transaction (notifications, audit); ``stage`` names the
    staging table (the temporary one, the view over worker files, or a PostgreSQL table of the job).
    ``rows`` (the number of staged rows) and ``stations`` (the stations whose joint union some row needs,
    negative grassroots ids in the stage) spare a pass over the stage each when the caller knows them.
    ``runs`` (``StageTarget.runs``): the staged rows as runs of row numbers in file order, each in one worker
    file; the new rows are then inserted run by run.
    Raises ``IntegrityError`` (nothing written) when two rows have the same ID number.
    """
    now = timezone.now()
    source = f"import:{job_id}"
    result = WriteResult()
    sqlite = connection.vendor == "sqlite"
    clock = _Clock(result.seconds)
    with transaction.atomic(), connection.cursor() as cursor:
        if not sqlite:
            # One import writes at a time: the classification below must still hold at the insert, and no
            # other session takes an id from the sequence meanwhile (an insert waits for this lock first).
            cursor.execute("LOCK TABLE members_member IN SHARE ROW EXCLUSIVE MODE")
            # Foreign keys checked at each statement's end, not at commit: an index cannot be built on a table
            # with checks still pending (the first load's rebuild below).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        else:
            cursor.execute("PRAGMA cache_size = -262144")
        if rows is None:
            cursor.execute(f"SELECT COUNT(*) FROM {stage}")
            rows = cursor.fetchone()[0]
        joint = _joint_unions(cursor, stage, stations, joint_union_for)
        cursor.execute("SELECT COUNT(*) FROM members_member")
        existing = cursor.fetchone()[0]
        matched = _classify(cursor, stage, joint) if existing else 0
        new = rows - matched
        rebuild = _rebuilt_indexes(cursor) if new > max(existing, FIRST_LOAD_MIN) else []
        for name, _sql in rebuild:
            cursor.execute(f'DROP INDEX "{name}"')
        # PostgreSQL checks a foreign key row by row (93 s of a 4M-row first load against 24 s without the
        # checks): a first load drops them and adds them back at the end, which checks all rows in one join.
        foreign_keys = _dropped_foreign_keys(cursor) if rebuild and not sqlite else []
        offset = 0
        clock.lap("classify")
        if new:
            offset = _id_offset(cursor, stage, matched)
            result.created = _insert_new(cursor, stage, offset, now, joint=joint, matched=matched, runs=runs)
            clock.lap("insert")
            _openings(cursor, offset, now, job_id)
            clock.lap("history")
        if rebuild and sqlite:
            # Let SQLite's sorter use a helper thread for the rebuild (CREATE INDEX over 4M rows: the name index
            # took 9.2 s alone and 7.2 s with help on the benchmark machine).
            # One only, and only here: each helper sorts in memory of its own up to cache_size (two took the
            # process to 1.17 GB).
            cursor.execute(f"PRAGMA threads = {1 if (os.cpu_count() or 1) > 1 else 0}")
        for _name, sql in rebuild:
            cursor.execute(sql)
        if rebuild and sqlite:
            cursor.execute("PRAGMA threads = 0")
        if rebuild:
            clock.lap("indexes")
        if matched:
            cursor.execute(f"SELECT action, COUNT(*) FROM {MATCH} GROUP BY action")
            counts = dict(cursor.fetchall())
            result.transferred = counts.get("t", 0)
            result.updated = counts.get("u", 0)
            result.unchanged = counts.get("s", 0)
        changed = result.updated + result.transferred
        if changed:
            sets = ", ".join(f"{c} = {GRASSROOTS if c == 'grassroots_id' else 's.' + c}" for c in UPDATED)
            changed_rows = _run(cursor, f"""
                UPDATE members_member SET {sets},
                    phone_encrypted = CASE WHEN members_member.phone_hash = s.phone_hash
                                           THEN members_member.phone_encrypted ELSE s.phone_encrypted END,
                    updated_at = %s, version = members_member.version + 1
                FROM {MATCH} x JOIN {stage} s ON s.row_no = x.row_no {JOIN_JOINT}
                WHERE x.member_id = members_member.id AND x.action IN ('u', 't')""", [now])
            assert changed_rows in (-1, changed), changed_rows
        if result.transferred:
            _transfers(cursor, stage, now, job_id, result)
        clock.lap("updates")
        _special_groups(cursor, stage, now, user_id, source, offset=offset if result.created else None,
                        matched=matched, with_changes=bool(changed))
        clock.lap("special_groups")
        for table, name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for table in (MATCH, JOINT):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
        if on_written is not None:
            on_written(result)
        clock.lap("foreign_keys_and_audit")
    clock.lap("commit")
    return result


class _Clock:
    """Laps of the write, in seconds, into ``seconds`` (phase → time since the previous lap)."""

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds
        self.last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.seconds[phase] = round(self.seconds.get(phase, 0.0) + now - self.last, 2)
        self.last = now


def _temp_table(cursor, name: str, columns: str) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    suffix = "" if connection.vendor == "sqlite" else " ON COMMIT DROP"
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({columns}){suffix}")


def _joint_unions(cursor, stage: str, stations: Iterable[int] | None, joint_union_for) -> bool:
    """Fill ``import_joint`` (station id → its joint union, created on first need); whether it has rows.

    The stage keeps ``-station id`` as the grassroots id of a member whose employer has no union; every
    statement reads it through ``GRASSROOTS``, so the stage itself is never rewritten.
    """
    if stations is None:
        cursor.execute(f"SELECT DISTINCT -grassroots_id FROM {stage} WHERE grassroots_id < 0")
        stations = [station_id for (station_id,) in cursor.fetchall()]
    pairs = [(int(station_id), joint_union_for(int(station_id))) for station_id in sorted(set(stations))]
    _temp_table(cursor, JOINT, "station_id bigint PRIMARY KEY, grassroots_id bigint NOT NULL")
    if pairs:
        cursor.executemany(f"INSERT INTO {JOINT} (station_id, grassroots_id) VALUES (%s, %s)", pairs)
    return bool(pairs)


def _classify(cursor, stage: str, joint: bool) -> int:
    """``import_match``: every staged row whose member is registered, with its action and the values it had.

    Actions: ``t`` transferred (another grassroots union), ``u`` updated (a compared field differs), ``s``
    unchanged. ``member_id`` is unique: two rows of one member (a repeated ID number) fail here.
    """
    key = "INTEGER PRIMARY KEY" if connection.vendor == "sqlite" else "bigint PRIMARY KEY"
    _temp_table(cursor, MATCH, f"""row_no {key}, member_id bigint NOT NULL UNIQUE, action char(1) NOT NULL,
        old_grassroots_id bigint, old_employer_id bigint, old_skill_certificate text, old_honour text,
        old_hardship boolean, old_single_mother boolean""")
    grassroots = GRASSROOTS if joint else "s.grassroots_id"
    changed = " OR ".join(f"m.{c} IS DISTINCT FROM {grassroots if c == 'grassroots_id' else 's.' + c}"
                          for c in COMPARED)
    return sum(_run(cursor, f"""
        INSERT INTO {MATCH} (row_no, member_id, action, old_grassroots_id, old_employer_id, old_skill_certificate,
                             old_honour, old_hardship, old_single_mother)
        SELECT s.row_no, m.id, CASE WHEN m.grassroots_id <> {grassroots} THEN 't' WHEN {changed} THEN 'u' ELSE 's' END,
               m.grassroots_id, m.employer_id, m.skill_certificate, m.honour, m.hardship, m.single_mother
        FROM {part} s JOIN members_member m ON m.id_hash = s.id_hash {JOIN_JOINT if joint else ""}""")
        for part in _parts(cursor, stage))


def _id_offset(cursor, stage: str, matched: int) -> int:
    """What to add to a new row's ``row_no`` for its member id: ids come after every id the table ever gave.

    Looking ids up after the insert (by ID hash) cost as much as the insert itself; numbering by row number
    needs no pass at all (ids of rows that were not new are simply not used). SQLite: AUTOINCREMENT's
    ``sqlite_sequence`` follows the highest id inserted; PostgreSQL: the identity sequence is moved past the
    last id here (the write lock keeps other sessions from drawing from it meanwhile).
    """
    if connection.vendor == "sqlite":
        cursor.execute("SELECT MAX(n) FROM (SELECT MAX(id) AS n FROM members_member UNION ALL "
                       "SELECT seq FROM sqlite_sequence WHERE name = 'members_member')")
        return (cursor.fetchone()[0] or 0) - 1
    cursor.execute("SELECT nextval(pg_get_serial_sequence('members_member', 'id'))")
    offset = cursor.fetchone()[0] - 2  # the file's first data row (row 2) gets the id just drawn
    unmatched = f"WHERE NOT EXISTS (SELECT 1 FROM {MATCH} x WHERE x.row_no = s.row_no)" if matched else ""
    cursor.execute(f"SELECT MAX(s.row_no) FROM {stage} s {unmatched}")
    cursor.execute("SELECT setval(pg_get_serial_sequence('members_member', 'id'), %s)",
                   [offset + cursor.fetchone()[0]])
    return offset


def _insert_new(cursor, stage: str, offset: int, now, *, joint: bool, matched: int,
                runs: list[tuple[str, int, int]] | None = None) -> int:
    """Insert every unmatched stage row as a new member with the id ``offset + row_no``, in id order.

    With ``runs`` (worker files behind a view), one statement per run: through the view, SQLite 3.40 sorts all
    the rows for the ``ORDER BY`` (it merges the files' rowid orders only when every result column is a plain
    column of the view, and the id is an expression) — a temporary B-tree of the whole stage, 42 s of a 4M-row
    import against 29 s for the same rows run by run. Each run is a rowid range of one file, read in order.
    """
    cols = [c for c in STAGE_FIELDS if c != "row_no"]
    values = ", ".join(GRASSROOTS if (c == "grassroots_id" and joint) else f"s.{c}" for c in cols)
    unmatched = f"NOT EXISTS (SELECT 1 FROM {MATCH} x WHERE x.row_no = s.row_no)" if matched else ""
    insert = f"""
        INSERT INTO members_member (id, {", ".join(cols)}, status, created_at, updated_at, version)
        SELECT %s + s.row_no, {values}, 'active', %s, %s, 1"""
    if runs:
        return sum(_run(cursor, f"""{insert} FROM {table} s {JOIN_JOINT if joint else ""}
                                    WHERE s.row_no BETWEEN %s AND %s {"AND " + unmatched if matched else ""}""",
                        [offset, now, now, first, last]) for table, first, last in runs)
    # SQLite reads one stage table in row order already (rowid): the rows go in as appends.
    order = "ORDER BY s.row_no" if connection.vendor == "sqlite" else ""
    return _run(cursor, f"""{insert} FROM {stage} s {JOIN_JOINT if joint else ""}
                            {"WHERE " + unmatched if matched else ""} {order}""", [offset, now, now])


def _openings(cursor, offset: int, now, job_id: int) -> None:
    """The first history row of every member this import created (ids above ``offset``, see ``_id_offset``)."""
    from unionserve.members import history

    history.write_openings(cursor, "SELECT id AS member_id, employer_id, grassroots_id FROM members_member "
                                   "WHERE id > %s", [offset], now=now, reason=f"registered by import #{job_id}")


def _transfers(cursor, stage: str, now, job_id: int, result: WriteResult) -> None:
    """History of the units of transferred members: the old unit closed, the new one open."""
    # The rows a transfer on the member page writes too (members.history, one definition for both). Imported
    # here: worker processes import this module before Django is set up, and members.history reads the models.
    from unionserve.members import history

    moves = (f"SELECT x.member_id, x.old_employer_id, x.old_grassroots_id, s.employer_id AS new_employer_id, "
             f"{GRASSROOTS} AS new_grassroots_id FROM {MATCH} x JOIN {stage} s ON s.row_no = x.row_no {JOIN_JOINT} "
             "WHERE x.action = 't'")
    history.write_transfers(cursor, moves, [], now=now, reason=f"import #{job_id}")
    cursor.execute(f"SELECT x.old_grassroots_id, x.member_id, s.name, s.id_masked, {GRASSROOTS} "
                   f"FROM {MATCH} x JOIN {stage} s ON s.row_no = x.row_no {JOIN_JOINT} "
                   "WHERE x.action = 't' ORDER BY x.old_grassroots_id, x.row_no")
    for old, member_id, name, masked, new in cursor.fetchall():
        result.transfers.setdefault(old, []).append((member_id, name, masked, new))


def _special_groups(cursor, stage: str, now, user_id: int | None, source: str, *, offset: int | None,
                    matched: int, with_changes: bool = True) -> None:
    """Open a special-group record where a flag became true (or its detail changed), close it where it ended.

    Opening is one pass over the new rows and one over the changed ones, for all the groups (the stage row
    outer, the groups inner: ``CROSS JOIN`` keeps SQLite from scanning the stage once per group; rows with no
    group at all are passed over before the inner loop); closing only when rows were updated.
    """
    if with_changes:
        for group, column, _yes_no in GROUPS:
            _run(cursor, f"""UPDATE members_specialgrouprecord SET until = %s
                             WHERE until IS NULL AND "group" = %s AND member_id IN (
                                 SELECT x.member_id FROM {MATCH} x JOIN {stage} s ON s.row_no = x.row_no
                                 WHERE x.action IN ('u', 't') AND x.old_{column} IS DISTINCT FROM s.{column})""",
                 [now, group])
    groups = " UNION ALL ".join(f"SELECT '{group}' AS grp" for group, _c, _y in GROUPS)
    details = " ".join(f"WHEN '{group}' THEN s.{column}" for group, column, yes_no in GROUPS if not yes_no)
    any_group = " OR ".join(f"s.{column}" if yes_no else f"s.{column} <> ''" for _g, column, yes_no in GROUPS)

    def opens(changed_only: bool) -> str:
        cases = []
        for group, column, yes_no in GROUPS:
            on = f"s.{column}" if yes_no else f"s.{column} <> ''"
            if changed_only:
                on += f" AND x.old_{column} IS DISTINCT FROM s.{column}"
            cases.append(f"WHEN '{group}' THEN {on}")
        return f"CASE g.grp {' '.join(cases)} ELSE FALSE END"

    insert = """INSERT INTO members_specialgrouprecord (member_id, "group", detail, since, until, set_by_id, source)"""
    if offset is not None:
        unmatched = f"AND NOT EXISTS (SELECT 1 FROM {MATCH} x WHERE x.row_no = s.row_no)" if matched else ""
        for part in _parts(cursor, stage):
            _run(cursor, f"""{insert}
                SELECT %s + s.row_no, g.grp, CASE g.grp {details} ELSE '' END, %s, NULL, %s, %s
                FROM {part} s CROSS JOIN ({groups}) g
                WHERE ({any_group}) {unmatched} AND {opens(False)}""", [offset, now, user_id, source])
    if with_changes:
        _run(cursor, f"""{insert}
            SELECT x.member_id, g.grp, CASE g.grp {details} ELSE '' END, %s, NULL, %s, %s
            FROM {MATCH} x JOIN {stage} s ON s.row_no = x.row_no CROSS JOIN ({groups}) g
            WHERE x.action IN ('u', 't') AND ({any_group}) AND {opens(True)}""", [now, user_id, source])
