"""The benchmark database: a separate SQLite file or PostgreSQL database, migrated and loaded once.

The loaded dataset is remembered in a small table of its own (``bench_dataset``, plain SQL that both
databases run); when its fingerprint (generator version, seed, units, users) matches, loading is skipped.
"""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

from bench.datagen.generate import WORK_DIR, Scale

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
#: The PostgreSQL benchmark database; ``BENCH_PG_DB`` picks another one (its name must start with "bench"), so two
#: datasets — e.g. the import's empty register and the 12351 platform's full one — can live side by side.
PG_DB_NAME = os.environ.get("BENCH_PG_DB", "bench")
if not PG_DB_NAME.startswith("bench") or not PG_DB_NAME.replace("_", "").isalnum():
    raise SystemExit(f"BENCH_PG_DB={PG_DB_NAME!r}: use a plain name starting with 'bench'")
PG_BENCH_URL = f"postgresql://postgres@127.0.0.1:5432/{PG_DB_NAME}"
SQLITE_FILE = WORK_DIR / "bench.sqlite3"
SETTINGS = "unionserve.settings.dev"
META_TABLE = "bench_dataset"


def database_url(db: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{SQLITE_FILE}"
    if db == "postgres":
        return PG_BENCH_URL
    raise ValueError(f"unknown database {db!r}: use sqlite or postgres")


def ensure_postgres_database() -> None:
    """Create the benchmark database (``bench`` or ``BENCH_PG_DB``) on 127.0.0.1:5432 when it is missing."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DB_NAME]).fetchone() is None:
            conn.execute(f"CREATE DATABASE {PG_DB_NAME}")


def configure_django(db: str, *, debug: bool = False) -> None:
    """Point Django at the benchmark database (dev settings, DEBUG off unless asked) and set it up.

    DEBUG is off by default: with it on, Django keeps every query in memory, which is neither what
    production does nor free.
    """
    if db == "sqlite":
        Path(SQLITE_FILE).parent.mkdir(parents=True, exist_ok=True)
    else:
        ensure_postgres_database()
    os.environ["DATABASE_URL"] = database_url(db)
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    os.environ["DEBUG"] = "1" if debug else "0"
    # WhiteNoise warns once per process that collectstatic has not been run; pages need no static files here.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    import django

    _reread_settings_if_evaluated()
    django.setup()
    name = current_database_name()
    if name != benchmark_database_name(db):
        raise RuntimeError(f"Django points at {name}, not the benchmark database {benchmark_database_name(db)}: "
                           "refusing to go on (something evaluated the settings before configure_django)")


def benchmark_database_name(db: str) -> str:
    return str(SQLITE_FILE) if db == "sqlite" else PG_DB_NAME


def current_database_name() -> str:
    from django.conf import settings

    return str(settings.DATABASES["default"]["NAME"])


def _reread_settings_if_evaluated() -> None:
    """Evaluate the settings again if an import already did, with the environment set above.

    ``unionserve/__init__`` defaults DJANGO_SETTINGS_MODULE (Celery), and an app module that calls a
    translation function at import time (``gettext_noop`` reads ``settings.USE_I18N``) evaluates the settings
    then — before the benchmark database was chosen — so DATABASES would be the development database's.
    """
    import importlib
    import sys

    from django.conf import settings
    from django.utils.functional import empty

    # LazySettings internals, which the stubs do not declare; not evaluated yet: nothing to undo.
    if settings._wrapped is empty:  # type: ignore[misc]
        return
    for module_name in ("unionserve.settings.base", SETTINGS):
        module = sys.modules.get(module_name)
        if module is not None:
            importlib.reload(module)
    settings._wrapped = empty
    from django.db import connections

    connections.__dict__.pop("settings", None)  # a cached_property of the connection handler


def is_benchmark_database() -> bool:
    """The default database is the benchmark database (SQLite file or PostgreSQL ``bench``) or a test database.

    Checked before anything destructive (flush, emptying tables): never the development database.
    """
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    test_name = (connection.settings_dict.get("TEST") or {}).get("NAME")
    return (name in (str(SQLITE_FILE), PG_DB_NAME) or (bool(test_name) and name == str(test_name))
            or Path(name).name.startswith("test") or name == ":memory:" or "mode=memory" in name)


def assert_benchmark_database(action: str) -> None:
    if not is_benchmark_database():
        raise RuntimeError(f"refusing to {action} in {current_database_name()}: not the benchmark database")


def read_meta(name: str) -> str | None:
    """A value kept in ``bench_dataset`` (created when missing), or None."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (name VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL)")
        cursor.execute(f"SELECT value FROM {META_TABLE} WHERE name = %s", [name])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def write_meta(name: str, value: str) -> None:
    """Keep ``value`` under ``name`` in ``bench_dataset``."""
    from django.db import connection

    read_meta(name)  # creates the table when missing
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {META_TABLE} WHERE name = %s", [name])  # noqa: S608
        cursor.execute(f"INSERT INTO {META_TABLE} (name, value) VALUES (%s, %s)", [name, value])  # noqa: S608


def _read_fingerprint() -> str | None:
    return read_meta("fingerprint")


def _write_fingerprint(value: str) -> None:
    write_meta("fingerprint", value)


def load_dataset(scale: Scale, log=print) -> dict:
    """Load org units and bench users into the (migrated, empty) current database; returns counts."""
    from bench.datagen.dbload import create_bench_users, load_org_units
    from bench.datagen.plan import build_plan

    plan = build_plan(scale.seed, scale.units)
    counts = load_org_units(plan, log=log)
    create_bench_users(plan, scale.users, log=log)
    return counts


def prepare_database(scale: Scale, log=print) -> dict:
    """Migrate, then load the dataset unless the database already holds this one. Returns a summary."""
    from django.core.management import call_command
    from django.db import connection

    from unionserve.accounts.models import User
    from unionserve.orgs.models import OrgUnit

    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    fingerprint = scale.db_fingerprint()
    loaded = False
    if _read_fingerprint() != fingerprint:
        assert_benchmark_database("load the dataset")
        if OrgUnit.objects.exists() or User.objects.exists():
            log("the benchmark database holds another dataset: flushing it")
            call_command("flush", interactive=False, verbosity=0)
            _seed_calendar(log)
        load_dataset(scale, log=log)
        _write_fingerprint(fingerprint)
        loaded = True
    with connection.cursor() as cursor:
        # Fresh planner statistics, and on PostgreSQL a visibility map (index-only scans) as autovacuum
        # would leave it in steady state: a freshly bulk-loaded table otherwise fetches every heap page.
        # VACUUM cannot run inside a transaction (the smoke tests run inside one): ANALYZE alone there.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    summary = {
        "fingerprint": fingerprint,
        "loaded_now": loaded,
        "org_units": OrgUnit.objects.count(),
        "users": User.objects.count(),
        "seconds": round(time.perf_counter() - t0, 2),
    }
    log(f"benchmark database ready: {summary}")
    return summary


def _seed_calendar(log) -> None:
    """flush empties the working-day calendar that a data migration loaded: load it again."""
    try:
        from unionserve.workcalendar.seeding import seed_from_package
    except Exception as exc:  # noqa: BLE001 - the calendar app may be mid-edit
        log(f"working-day calendar not seeded ({exc!r})")
        return
    seed_from_package()
