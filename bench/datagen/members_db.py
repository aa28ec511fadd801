"""Load the plan's employers and members into the register tables (members_employer, members_member), fast.

BENCHMARK-ONLY. The real importer (validation, duplicates, history, audit) is the member-import issue's, in
``unionserve/members/importing/``; this loader does not use it and must not be used instead of it:

- rows come from the same deterministic generator as ``members.csv`` (``datagen.members.iter_members``);
- ``id_hash``/``phone_hash`` are the real keyed hashes (``pii.lookup_hash``, computed here with a
  copied HMAC state for speed), masks are the real masks;
- ``id_encrypted``/``phone_encrypted`` hold **one precomputed dummy token** (``DUMMY_TOKEN``, key id
  ``bench-not-encrypted``), NOT the encrypted value: no configured key opens it, so nothing can mistake it
  for personal data, and loading 4M rows does not spend minutes in AES;
- to give the data-quality rates something to find (``rng_for(seed, "members-db")``): ~2% of members have
  left, ~13% of unions report a few more members than registered and ~2% fewer, ~4% of employers lack a
  contact phone or address.

Inserts are raw ``executemany`` in batches on SQLite and ``COPY`` on PostgreSQL (both tested at tiny size).
The fingerprint is kept in ``bench_dataset`` (name ``members_db``); ``ensure_members`` skips loading when it
matches and the row counts agree (``flush`` empties the tables but not ``bench_dataset``).
"""

from __future__ import annotations

import base64
import datetime as dt
import time
from collections.abc import Callable, Iterator

from .generate import Scale
from .members import iter_members
from .plan import build_plan, rng_for

VERSION = 2  # 2: pinyin initials filled (version 1 left them empty; ensure_members backfills them)
META_NAME = "members_db"
META_TABLE = "bench_dataset"
BATCH = 10_000
DUMMY_TOKEN = "bench-not-encrypted$" + base64.b64encode(b"BENCHMARK ONLY - NOT ENCRYPTED").decode()
LEFT_SHARE = 0.02

Log = Callable[[str], None]

EMPLOYER_COLUMNS = ("id", "name", "uscc", "address", "station_id", "industry_union_id", "has_union", "grassroots_id",
                    "reported_members", "contact_name", "contact_phone", "created_at", "updated_at")
MEMBER_COLUMNS = ("name", "initials", "id_hash", "id_encrypted", "id_masked", "birth_date", "gender", "phone_hash",
                  "phone_encrypted", "phone_masked", "employer_id", "grassroots_id", "joined_on", "employment",
                  "education", "skill_certificate", "honour", "hardship", "single_mother", "card_number",
                  "ethnicity", "hukou", "status", "created_at", "updated_at", "version")


def fingerprint(scale: Scale) -> str:
    return f"v{VERSION}:seed={scale.seed}:members={scale.members}:units={scale.units}"


def _meta(name: str, value: str | None = None) -> str | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (name VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL)")
        if value is not None:
            cursor.execute(f"DELETE FROM {META_TABLE} WHERE name = %s", [name])  # noqa: S608
            cursor.execute(f"INSERT INTO {META_TABLE} (name, value) VALUES (%s, %s)", [name, value])  # noqa: S608
            return value
        cursor.execute(f"SELECT value FROM {META_TABLE} WHERE name = %s", [name])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def fast_lookup_hash() -> Callable[[str], str]:
    """``pii.lookup_hash`` for values already normalized, through pii's bulk sealer (same output)."""
    from unionserve.pii import BulkSealer

    return BulkSealer().hash


def _insert(table: str, columns: tuple[str, ...], rows: Iterator[tuple], log: Log, label: str) -> int:
    """Insert rows with COPY (PostgreSQL) or executemany in batches (SQLite); returns the count."""
    from django.db import connection

    q = connection.ops.quote_name
    cols = ", ".join(q(c) for c in columns)
    n = 0
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {q(table)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
                    if n % 500_000 == 0:
                        log(f"  {label}: {n:,} rows, {n / (time.perf_counter() - t0):,.0f} rows/s")
        else:
            sql = f"INSERT INTO {q(table)} ({cols}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
            batch: list[tuple] = []
            for row in rows:
                batch.append(row)
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    n += len(batch)
                    batch.clear()
                    if n % 500_000 == 0:
                        log(f"  {label}: {n:,} rows, {n / (time.perf_counter() - t0):,.0f} rows/s")
            if batch:
                cursor.executemany(sql, batch)
                n += len(batch)
    return n


def load_members(scale: Scale, log: Log = print) -> dict:
    """Replace the register's employers and members with the dataset's; returns counts and timings."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from unionserve.members.models import Employer, Member
    from unionserve.orgs.models import OrgUnit

    t0 = time.perf_counter()
    plan = build_plan(scale.seed, scale.units)
    plan.allocate_members(scale.members)
    units = dict(OrgUnit.objects.values_list("code", "id"))
    missing = [e.station_code for e in plan.employers() if e.station_code not in units][:5]
    if missing:
        raise RuntimeError(f"the org units of this dataset are not loaded (missing {missing}); load them first")
    rng = rng_for(scale.seed, "members-db")
    now: object = dt.datetime(2025, 6, 30, 12, tzinfo=dt.UTC)
    if connection.vendor == "sqlite":
        now = "2025-06-30 12:00:00"  # how Django stores an aware datetime on SQLite: naive UTC text
    digest = fast_lookup_hash()

    employer_ids: dict[str, int] = {}

    def employer_rows() -> Iterator[tuple]:
        for pk, e in enumerate(plan.employers(), start=1):
            employer_ids[e.uscc] = pk
            station = plan.station_by_code[e.station_code]
            union = bool(e.grassroots_code)
            r = rng.random()
            reported = e.members if r < 0.85 else (e.members + 1 + int(e.members * 0.04 * rng.random())
                                                   if r < 0.98 else int(e.members * 0.9))
            address = "" if rng.random() < 0.01 else f"北京市{station.district_short}区{station.name}辖区{pk}号"
            phone = "" if rng.random() < 0.03 else e.phone
            yield (pk, e.name, e.uscc, address, units[e.station_code], units.get(e.company_code) if e.company_code
                   else None, union, units[e.grassroots_code] if union else None, reported if union else 0,
                   e.contact, phone, now, now)

    from unionserve.pii import mask_id, mask_phone

    initials = _initials_cache()

    def member_rows() -> Iterator[tuple]:
        for row in iter_members(plan):
            (name, id_number, gender, birth, mobile, uscc, _unit_name, code, joined, employment, education, skill,
             honour, hardship, single, card, ethnicity, hukou) = row
            yield (name, initials(name), digest(id_number), DUMMY_TOKEN, mask_id(id_number), birth,
                   "M" if gender == "男" else "F", digest(mobile), DUMMY_TOKEN, mask_phone(mobile),
                   employer_ids[uscc], units[code], joined or None, employment, education, skill, honour,
                   hardship == "是", single == "是", card, ethnicity, hukou,
                   "left" if rng.random() < LEFT_SHARE else "active", now, now, 1)

    with transaction.atomic():
        with connection.cursor() as cursor:
            for table in ("dataquality_samplecheckitem", "members_specialgrouprecord", "members_membershiphistory",
                          Member._meta.db_table, Employer._meta.db_table):
                if table in connection.introspection.table_names(cursor):
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
        employers = _insert(Employer._meta.db_table, EMPLOYER_COLUMNS, employer_rows(), log, "employers")
        log(f"employers: {employers:,} in {time.perf_counter() - t0:.1f} s")
        members = _insert(Member._meta.db_table, MEMBER_COLUMNS, member_rows(), log, "members")
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Employer, Member]):
                cursor.execute(sql)
    with connection.cursor() as cursor:
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block  # not in a transaction
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    seconds = time.perf_counter() - t0
    log(f"members: {members:,} in {seconds:.1f} s ({members / seconds:,.0f} rows/s)")
    return {"employers": employers, "members": members, "seconds": round(seconds, 1)}


def _initials_cache() -> Callable[[str], str]:
    """members.search.initials_of, once per distinct name (names repeat a lot)."""
    from functools import lru_cache

    from unionserve.members.search import initials_of

    return lru_cache(maxsize=1 << 20)(initials_of)


def backfill_initials(log: Log = print) -> int:
    """Fill the pinyin initials a version-1 load left empty (one UPDATE from a table of distinct names)."""
    from django.db import connection, transaction

    t0 = time.perf_counter()
    initials = _initials_cache()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred: the UPDATE would leave trigger events that forbid CREATE INDEX.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT DISTINCT name FROM members_member WHERE initials = ''")
        pairs = [(name, initials(name)) for (name,) in cursor.fetchall()]
        cursor.execute("CREATE TEMPORARY TABLE bench_initials (name text PRIMARY KEY, initials text)")
        cursor.executemany("INSERT INTO bench_initials (name, initials) VALUES (%s, %s)", pairs)
        cursor.execute("DROP INDEX IF EXISTS member_initials")
        cursor.execute("UPDATE members_member SET initials = b.initials FROM bench_initials b "
                       "WHERE b.name = members_member.name AND members_member.initials = ''")
        updated = cursor.rowcount
        cursor.execute('CREATE INDEX member_initials ON members_member ("initials", "name")')
        cursor.execute("DROP TABLE bench_initials")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"pinyin initials: {updated:,} members ({len(pairs):,} distinct names) in {time.perf_counter() - t0:.1f} s")
    return updated


def ensure_members(scale: Scale, log: Log = print) -> dict:
    """Load the register unless this dataset is there already; returns a summary."""
    from unionserve.members.models import Employer, Member

    expected = fingerprint(scale)
    loaded = _meta(META_NAME)
    same_rows = Member.objects.count() == scale.members and Employer.objects.exists()
    if loaded == expected.replace(f"v{VERSION}:", "v1:", 1) and same_rows:
        backfill_initials(log)  # the same rows as version 2 but for the initials: no need to reload them
        _meta(META_NAME, expected)
        loaded = expected
    if loaded == expected and same_rows:
        return {"loaded_now": False, "members": scale.members}
    summary = load_members(scale, log)
    _meta(META_NAME, expected)
    return {"loaded_now": True, **summary}
