"""``./dev prod``'s script starts the production-like platform, logs in with the printed password and stops."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .helpers import ROOT, PgDatabases, pg_reachable
from .test_install_guide import REDIS_URL, free_port, gunicorn_installed, redis_reachable


@pytest.mark.skipif(not (pg_reachable() and redis_reachable() and gunicorn_installed()),
                    reason="needs PostgreSQL and Redis on 127.0.0.1 and the prod extra")
def test_prod_run_serves_logs_in_and_stops(tmp_path):
    pg = PgDatabases()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
        env.update(UNIONSERVE_PROD_DIR=str(tmp_path / "prod"), DATABASE_URL=pg.create("prod"), REDIS_URL=REDIS_URL,
                   PROD_PORT=str(free_port()), PROD_CHECK="1", CELERY_CONCURRENCY="1", WEB_WORKERS="1")
        done = subprocess.run([sys.executable, "scripts/prod.py"], cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=900, check=False)
        assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
        assert "one-time password" in done.stdout and "logged in as admin" in done.stdout
        assert "[prod] stopped" in done.stdout
        assert (tmp_path / "prod" / "prod.env").stat().st_mode & 0o077 == 0  # the keys readable by the owner only
    finally:
        pg.drop_all()
