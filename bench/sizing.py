"""``python -m bench.sizing``: the 12351 load (``hotline_load``'s requests) against gunicorn with several worker and
thread settings, one after the other in the same run, on one PostgreSQL database — the figures of
docs/operations.md "Sizing".

The settings are ``WORKERSxTHREADS`` of ``unionserve/gunicorn_conf.py`` (``2x1`` is the load benchmark's earlier
server: two sync workers). Each runs the same open-loop load at each rate; the first setting is the baseline
the others are read against, because a shared machine's load changes the absolute figures from run to run.
Tasks go to Redis (db 12) with no worker, as in ``hotline_load``: the web tier is measured alone. The database
is made here (Beijing's tree by ``setup_federation``, a hotline agent and its token) and dropped at the end.

    python -m bench.sizing --configs 2x1,2x4,4x4 --rates 5,20 --seconds 40
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = "postgresql://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/12"


def prepare(database: str) -> tuple[str, list, list]:
    """Create the database, migrate, load Beijing's tree, make an agent's token; the load's stations, categories."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {database} ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' "
                     "TEMPLATE template0")
    os.environ.update(DATABASE_URL=f"{PG}/{database}", DJANGO_SETTINGS_MODULE="unionserve.settings.dev", DEBUG="0")
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("setup_federation", "--beijing", "--no-admin", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from bench.benchmarks.hotline import agent_user
    from unionserve.accounts.models import ApiToken
    from unionserve.hotline.models import Category
    from unionserve.orgs.models import OrgUnit, UnitKind

    _token, key = ApiToken.issue(agent_user(), "sizing")
    stations = list(OrgUnit.objects.filter(kind=UnitKind.STATION, region_parent__kind=UnitKind.DISTRICT_CENTER)
                    .values_list("code", "region_parent__code"))
    categories = list(Category.objects.filter(children__isnull=True, active=True).values_list("code", flat=True))
    from django.db import connections

    connections.close_all()
    return key, stations, categories


def connections_in_use(database: str, stop: threading.Event, peak: list[int]) -> None:
    """The most connections the database had open while the load ran (sampled every half second)."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        while not stop.is_set():
            n = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [database]).fetchone()[0]
            peak[0] = max(peak[0], n)
            time.sleep(0.5)


def run_config(config: str, database: str, key: str, stations: list, categories: list, rates: list[float],
               seconds: float, log_dir: Path) -> list[dict]:
    from bench.benchmarks.hotline_load import free_port, payloads, run_load

    workers, threads = (int(x) for x in config.split("x"))
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"{PG}/{database}", "REDIS_URL": REDIS_URL, "DEBUG": "0",
           "DJANGO_SETTINGS_MODULE": "unionserve.settings.dev", "ALLOWED_HOSTS": "127.0.0.1",
           "WEB_WORKERS": str(workers), "WEB_THREADS": str(threads), "WEB_ACCESS_LOG": str(log_dir / "access.log")}
    log = (log_dir / f"gunicorn-{config}.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:unionserve.gunicorn_conf",  # noqa: S603
                               "unionserve.wsgi", "--bind", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    results = []
    try:
        import http.client

        deadline = time.monotonic() + 120
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/health/")
                if conn.getresponse().status < 500:
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"gunicorn {config} did not start: see {log.name}") from None
                time.sleep(0.5)
        run_load(port, key, payloads(1, stations, categories, 20 * workers), 10)  # warm every worker
        for rate in rates:
            peak, stop = [0], threading.Event()
            watcher = threading.Thread(target=connections_in_use, args=(database, stop, peak), daemon=True)
            watcher.start()
            result = run_load(port, key, payloads(int(rate * 1000), stations, categories, int(rate * seconds)), rate)
            stop.set()
            watcher.join()
            summary = {"config": config, "workers": workers, "threads": threads, "rate_per_s": rate,
                       "db_connections_peak": peak[0], **result.summary()}
            print(json.dumps(summary, ensure_ascii=False), flush=True)
            results.append(summary)
    finally:
        server.terminate()
        server.wait(30)
        log.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sizing", description=__doc__.split("\n\n")[0])
    parser.add_argument("--configs", default="2x1,2x4,4x4")
    parser.add_argument("--rates", default="5,20")
    parser.add_argument("--seconds", type=float, default=60)
    today = dt.datetime.now(tz=dt.UTC).date()
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / f"{today}-sizing-postgres.json"))
    args = parser.parse_args()
    database = f"bench_sizing_{uuid.uuid4().hex[:8]}"
    log_dir = ROOT / "bench" / "work"
    log_dir.mkdir(parents=True, exist_ok=True)
    started = time.time()
    load_before = os.getloadavg()
    try:
        key, stations, categories = prepare(database)
        results = []
        for config in args.configs.split(","):
            results += run_config(config, database, key, stations, categories,
                                  [float(r) for r in args.rates.split(",")], args.seconds, log_dir)
    finally:
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    report = {"benchmark": "sizing", "database": "postgresql", "cores": os.cpu_count(),
              "load_average_before": load_before, "load_average_after": os.getloadavg(),
              "seconds_per_rate": args.seconds, "minutes": round((time.time() - started) / 60, 1), "results": results}
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"written {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
