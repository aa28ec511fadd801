"""``hotline_load``: create-and-dispatch 12351 requests at a steady rate against a real server (issue 6).

The server runs on 127.0.0.1 with ``DEBUG=0`` in its own process on the benchmark database: gunicorn with one sync
worker per core (the production server of docs/operations.md, installed with the ``bench`` extra) when it is
installed, else ``manage.py runserver --noreload`` (threaded, one process); ``BENCH_HOTLINE_SERVER`` chooses.
With Redis reachable, Celery tasks go to a Redis database of their own (``REDIS_DB``, no worker listens there:
the outbox rows stay pending, as on a site whose workers deliver them elsewhere) instead of running eagerly
inside the request.

The load is *open loop*: request i is sent at ``t0 + i / rate`` whether or not earlier ones have answered, by a
pool of threads using ``http.client`` (standard library; no locust — see docs/decisions/0015-hotline-load-test.md).
Latency is measured from the scheduled send time to the last byte of the response, so a server that falls behind
shows it in the figures (no coordinated omission). Each request is ``POST /api/hotline/requests`` with a personal
API token of a hotline agent: 60% affairs dispatched at once to a street station with a filing copy to its
district center, 40% consultations answered on the spot. Requests created by the run are deleted afterwards.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import socket
import statistics
import subprocess  # starts the app's own server
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bench.harness.registry import Benchmark, Case, Context, Skip, register

ROOT = Path(__file__).resolve().parents[2]
RATE = float(os.environ.get("BENCH_HOTLINE_RATE", "20"))
SECONDS = float(os.environ.get("BENCH_HOTLINE_LOAD_SECONDS", "300"))
TARGET_P99_MS = 300.0
REDIS_DB = 13
THREADS = 64
#: gunicorn sync workers: one per core of the benchmark machine.
WORKERS = int(os.environ.get("BENCH_HOTLINE_WORKERS", str(os.cpu_count() or 2)))
PATH = "/api/hotline/requests"


@dataclass
class Sample:
    scheduled: float
    started: float
    finished: float
    status: int
    kind: str
    error: str = ""

    @property
    def latency_ms(self) -> float:
        return (self.finished - self.scheduled) * 1000


@dataclass
class LoadResult:
    samples: list[Sample] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict:
        ok = [s for s in self.samples if s.status == 201]
        lat = sorted(s.latency_ms for s in ok)
        service = sorted((s.finished - s.started) * 1000 for s in ok)

        def pct(values: list[float], p: float) -> float | None:
            if not values:
                return None
            return round(values[min(len(values) - 1, max(0, int(round(p / 100 * len(values))) - 1))], 1)

        errors: dict[str, int] = {}
        for s in self.samples:
            if s.status != 201:
                key = f"{s.status} {s.error}".strip()[:80]
                errors[key] = errors.get(key, 0) + 1
        return {
            "sent": len(self.samples), "ok": len(ok), "errors": errors, "seconds": round(self.seconds, 1),
            "achieved_per_s": round(len(ok) / self.seconds, 2) if self.seconds else None,
            "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "p99_ms": pct(lat, 99), "max_ms": pct(lat, 100),
            "mean_ms": round(statistics.fmean(lat), 1) if lat else None,
            "service_p99_ms": pct(service, 99),
            "by_kind_p99_ms": {k: pct(sorted(s.latency_ms for s in ok if s.kind == k), 99)
                               for k in ("affair", "consultation")},
        }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_reachable(host: str = "127.0.0.1", port: int = 6379) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def server_kind() -> str:
    """``gunicorn`` (the production server of docs/operations.md, the ``bench`` extra) when installed, else
    ``runserver``; ``BENCH_HOTLINE_SERVER`` chooses."""
    wanted = os.environ.get("BENCH_HOTLINE_SERVER", "auto")
    if wanted in ("gunicorn", "runserver"):
        return wanted
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return "runserver"
    return "gunicorn"


class Server:
    """The app served on 127.0.0.1 by a process of its own, on the database this process uses: gunicorn with
    ``WORKERS`` sync workers, or ``manage.py runserver --noreload`` (threaded, one process)."""

    def __init__(self, port: int, *, redis: bool, log_path: Path, kind: str = "runserver") -> None:
        env = dict(os.environ)
        env.update({"DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost", "PYTHONUNBUFFERED": "1"})
        if redis:
            env["REDIS_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"
        else:
            env.pop("REDIS_URL", None)
        self.port = port
        self.redis = redis
        self.log_path = log_path
        self._log = log_path.open("w")
        self.kind = kind
        if kind == "gunicorn":
            command = [sys.executable, "-m", "gunicorn", "unionserve.wsgi", "--workers", str(WORKERS), "--bind",
                       f"127.0.0.1:{port}", "--backlog", "512", "--timeout", "120"]
        else:
            command = [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
        self.command = " ".join(command[1:])
        self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self._log,  # noqa: S603 - our own server
                                     stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server stopped: see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/health/")
                if conn.getresponse().status < 500:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"the server did not answer within {timeout} s: see {self.log_path}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log.close()


def payloads(seed: int, stations: list[tuple[str, str]], categories: list[str], n: int) -> list[tuple[str, bytes]]:
    """(kind, JSON body) of ``n`` requests: 60% affairs dispatched to a station (filed to its district)."""
    rng = random.Random(f"{seed}:hotline-load")  # noqa: S311 - synthetic load
    out = []
    for i in range(n):
        phone = f"13{rng.randrange(10**9):09d}"
        body = {"category": rng.choice(categories), "description": f"压测诉求{i}：单位拖欠工资，请求帮助。",
                "caller_name": "压测来电", "caller_phone": phone, "channel": "phone"}
        if rng.random() < 0.6:
            station, district = rng.choice(stations)
            body.update(kind="affair", units=[station], filed_units=[district])
        else:
            body.update(kind="consultation", answer="已按政策答复，并告知办理渠道。")
        out.append((body["kind"], json.dumps(body, ensure_ascii=False).encode()))
    return out


def run_load(port: int, token: str, bodies: list[tuple[str, bytes]], rate: float, *, threads: int = THREADS
             ) -> LoadResult:
    """Send ``bodies`` open loop at ``rate`` a second; one connection per thread, reopened after an error."""
    result = LoadResult()
    local = threading.local()
    lock = threading.Lock()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def send(scheduled: float, kind: str, body: bytes) -> None:
        started = time.perf_counter()
        status, error = 0, ""
        try:
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("POST", PATH, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            status = response.status
            if status != 201:
                error = data[:60].decode(errors="replace")
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                local.conn = None
        except Exception as exc:  # noqa: BLE001 - counted as an error of the run
            error = type(exc).__name__
            local.conn = None
        sample = Sample(scheduled, started, time.perf_counter(), status, kind, error)
        with lock:
            result.samples.append(sample)

    t0 = time.perf_counter() + 0.2
    with ThreadPoolExecutor(threads) as pool:
        for i, (kind, body) in enumerate(bodies):
            scheduled = t0 + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, scheduled, kind, body)
    result.seconds = time.perf_counter() - t0
    return result


def _cleanup(marks: dict[str, int]) -> None:
    """Delete what the run created (ids above the marks taken before it)."""
    from django.db import connection, transaction

    from unionserve.hotline.models import HotlineRequest
    from unionserve.notifications.models import Notification
    from unionserve.workflow.models import Attachment, Case, CaseAccess, CaseEvent, Step

    q = connection.ops.quote_name
    sub = (f"SELECT id FROM {q(Case._meta.db_table)} WHERE id > %s "  # noqa: S608
           "AND process IN ('consultation', 'affair')")
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (HotlineRequest, CaseEvent, Attachment, CaseAccess, Step):
            cursor.execute(f"DELETE FROM {q(model._meta.db_table)} WHERE case_id IN ({sub})",  # noqa: S608
                           [marks["case"]])
        cursor.execute(f"DELETE FROM {q(Case._meta.db_table)} WHERE id > %s "  # noqa: S608
                       "AND process IN ('consultation', 'affair')", [marks["case"]])
        cursor.execute(f"DELETE FROM {q(Notification._meta.db_table)} WHERE id > %s",  # noqa: S608
                       [marks["notification"]])


@register
class HotlineLoad(Benchmark):
    name = "hotline_load"
    description = (f"POST /api/hotline/requests at {RATE:g}/s for {SECONDS:g} s, open loop, against gunicorn (or "
                   "runserver) on 127.0.0.1 (60% affairs dispatched, 40% consultations answered); target p99 ≤ 300 ms.")

    def setup(self, ctx: Context) -> list[Case]:
        from django.db.models import Max

        from unionserve.accounts.models import ApiToken
        from unionserve.hotline.models import Category
        from unionserve.notifications.models import Notification
        from unionserve.orgs.models import OrgUnit, UnitKind
        from unionserve.workflow.models import Case as WorkflowCase

        from .hotline import REQUESTS, agent_user

        if ctx.db == "test":
            raise Skip("needs a server on a real database (the smoke test drives run_load itself)")
        from bench.datagen.hotline_db import ensure_requests

        past = ensure_requests(ctx.scale, REQUESTS, log=ctx.log)
        user = agent_user()
        _token, key = ApiToken.issue(user, "hotline load benchmark")
        stations = list(OrgUnit.objects.filter(kind=UnitKind.STATION, region_parent__kind=UnitKind.DISTRICT_CENTER,
                                               status="active").values_list("code", "region_parent__code"))
        categories = list(Category.objects.filter(children__isnull=True, active=True).values_list("code", flat=True))
        if not stations or not categories:
            raise Skip("no stations or categories in the database")
        n = int(RATE * SECONDS)
        bodies = payloads(ctx.scale.seed, stations, categories, n)
        self.marks = {"case": WorkflowCase.objects.aggregate(m=Max("id"))["m"] or 0,
                      "notification": Notification.objects.aggregate(m=Max("id"))["m"] or 0}
        redis = redis_reachable() and os.environ.get("BENCH_HOTLINE_REDIS", "1") != "0"
        port = free_port()
        kind = server_kind()
        self.server = Server(port, redis=redis, log_path=ctx.work_dir / "hotline_load_server.log", kind=kind)
        self.server.wait_ready()
        # Warm the server (first requests import and compile templates, fill caches): 20 untimed requests.
        run_load(port, key, payloads(ctx.scale.seed + 1, stations, categories, 20), RATE)
        params: dict = {"rate_per_s": RATE, "seconds": SECONDS, "server": f"{self.server.command}, DEBUG=0",
                        "tasks": f"redis db {REDIS_DB} (no worker)" if redis else "eager (no broker)",
                        "past_requests": past.get("requests"), "target_p99_ms": TARGET_P99_MS}

        def run() -> int:
            result = run_load(port, key, bodies, RATE)
            summary = result.summary()
            params.update(summary)
            params["meets_target"] = summary["p99_ms"] is not None and summary["p99_ms"] <= TARGET_P99_MS \
                and not summary["errors"]
            ctx.log(f"  hotline_load: {json.dumps(summary, ensure_ascii=False)}")
            return summary["ok"]

        return [Case("create_dispatch", run=run, kind="throughput", repeat=1, warmup=0, count_queries=False,
                     trace_memory=False, params=params)]

    def teardown(self, ctx: Context) -> None:
        server = getattr(self, "server", None)
        if server is not None:
            server.stop()
        if getattr(self, "marks", None):
            _cleanup(self.marks)
