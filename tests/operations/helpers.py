"""Running the operator's commands in a separate process, on a database and folders of the test's own."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG = "postgresql://postgres@127.0.0.1:5432"


def pg_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(f"{PG}/postgres", connect_timeout=3).close()
    except Exception:
        return False
    return True


class PgDatabases:
    """Databases named us_ops_<random>_<label>, created with the guide's collation and dropped at the end."""

    def __init__(self) -> None:
        self.prefix = f"us_ops_{uuid.uuid4().hex[:8]}"
        self.names: list[str] = []

    def create(self, label: str) -> str:
        import psycopg

        name = f"{self.prefix}_{label}"
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' "
                         "TEMPLATE template0")
        self.names.append(name)
        return f"{PG}/{name}"

    def drop_all(self) -> None:
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            for name in self.names:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def site_env(var_dir: Path, database_url: str | None = None, **extra: str) -> dict:
    """The environment of a site whose files are all under var_dir."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "MEDIA_ROOT", "STATIC_ROOT")}
    env.update(DJANGO_SETTINGS_MODULE="unionserve.settings.dev", UNIONSERVE_VAR_DIR=str(var_dir), **extra)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def manage(env: dict, *args: str, python: str = sys.executable, cwd: Path = ROOT, check: bool = True,
           timeout: int = 900) -> subprocess.CompletedProcess:
    """``python manage.py ARGS`` in the site's environment; fails the test with its output when it fails."""
    done = subprocess.run([python, "manage.py", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    if check and done.returncode:
        raise AssertionError(f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done
