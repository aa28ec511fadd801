"""Run benchmarks: time their cases, summarise, print a table, write JSON under bench/results/.

Each benchmark runs in a subprocess of its own by default (``python -m bench _worker NAME``), so that
its peak resident memory (``VmHWM``, see memory.py) is its own and one benchmark's caches do not help the next.
``isolate=False`` runs them in this process (the smoke tests do).
"""

from __future__ import annotations

import datetime
import gc
import json
import os
import subprocess  # runs this same program
import sys
import tempfile
import time
import traceback
import tracemalloc
from pathlib import Path
from typing import Any

from . import env
from .memory import self_peak_mb
from .registry import Benchmark, Case, Context, Skip, discover
from .stats import latency_stats, throughput_stats

RESULTS_DIR = Path(__file__).resolve().parents[1] / "results"
SCHEMA = 1


def _rows_of(case: Case, result: Any) -> int:
    if case.rows is not None:
        return case.rows
    if isinstance(result, int):
        return result
    raise TypeError(f"throughput case {case.name} must set rows or return the number of rows")


def measure_case(case: Case, ctx: Context, *, with_db: bool) -> dict:
    """Warm up, then time ``case.run`` and its baselines interleaved; add query count and memory."""
    throughput = case.kind == "throughput"
    repeat = case.repeat or (ctx.throughput_repeat if throughput else ctx.repeat)
    warmup = case.warmup if case.warmup is not None else (0 if throughput else ctx.warmup)
    runners = {"case": case.run, **{f"baseline:{k}": fn for k, fn in case.baselines.items()}}
    times: dict[str, list[float]] = {k: [] for k in runners}
    rows: dict[str, list[int]] = {k: [] for k in runners}
    results: dict[str, Any] = {}
    for _ in range(warmup):
        for fn in runners.values():
            if case.before_each:
                case.before_each()
            fn()
    for _ in range(repeat):
        for key, fn in runners.items():
            if case.before_each:
                case.before_each()
            t0 = time.perf_counter()
            result = fn()
            times[key].append(time.perf_counter() - t0)
            results[key] = result
            if throughput:
                rows[key].append(_rows_of(case, result))
    out: dict[str, Any] = {"name": case.name, "kind": case.kind, "repeat": repeat, "warmup": warmup}
    summarise = (lambda k: throughput_stats(times[k], rows[k])) if throughput else (lambda k: latency_stats(times[k]))
    out["stats"] = summarise("case")
    if case.ops and not throughput:
        out["per_op_us"] = round(out["stats"]["p50"] * 1000 / case.ops, 3)
        out["ops_per_s"] = round(case.ops / (out["stats"]["p50"] / 1000)) if out["stats"]["p50"] else None
    if case.target_ms is not None:
        out["target_ms"] = case.target_ms
        out["meets_target"] = out["stats"]["p95"] <= case.target_ms
    baselines = []
    for name in case.baselines:
        stats = summarise(f"baseline:{name}")
        if throughput:
            ratio = out["stats"]["rows_per_s"] / stats["rows_per_s"] if stats["rows_per_s"] else None
        else:
            ratio = stats["p50"] / out["stats"]["p50"] if out["stats"]["p50"] else None
        entry = {"name": name, "stats": stats, "ratio": round(ratio, 2) if ratio else None}
        if case.same_result:
            entry["same_result"] = results.get(f"baseline:{name}") == results.get("case")
        baselines.append(entry)
    out["baselines"] = baselines
    if case.count_queries and with_db:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        if case.before_each:
            case.before_each()
        with CaptureQueriesContext(connection) as captured:
            case.run()
        out["queries"] = len(captured.captured_queries)
    if case.trace_memory:
        if case.before_each:
            case.before_each()
        gc.collect()
        tracemalloc.start()
        case.run()
        out["py_peak_kb"] = round(tracemalloc.get_traced_memory()[1] / 1024, 1)
        tracemalloc.stop()
    out["params"] = case.params
    return out


def run_benchmark(name: str, ctx: Context, *, with_db: bool = True) -> dict:
    """Run one benchmark in this process and return its result entry."""
    registry = discover()
    cls: type[Benchmark] = registry[name]
    bench = cls()
    entry: dict[str, Any] = {"name": name, "description": cls.description, "cases": []}
    t0 = time.perf_counter()
    try:
        cases = bench.setup(ctx)
        entry["setup_s"] = round(time.perf_counter() - t0, 2)
        for case in cases:
            ctx.log(f"  {name}/{case.name} ...")
            entry["cases"].append(measure_case(case, ctx, with_db=with_db and cls.needs_db))
        entry["status"] = "ok"
        if any(b.get("same_result") is False for c in entry["cases"] for b in c["baselines"]):
            entry["status"] = "error"
            entry["error"] = "a baseline computed a different answer"
    except Skip as exc:
        entry["status"] = "skipped"
        entry["reason"] = str(exc)
    except Exception as exc:  # noqa: BLE001 - report it, go on with the next benchmark
        entry["status"] = "error"
        entry["error"] = f"{type(exc).__name__}: {exc}"
        entry["traceback"] = traceback.format_exc()
    finally:
        try:
            bench.teardown(ctx)
        except Exception as exc:  # noqa: BLE001
            entry.setdefault("teardown_error", repr(exc))
    entry["seconds"] = round(time.perf_counter() - t0, 2)
    entry["peak_rss_mb"] = self_peak_mb()
    return entry


def context_args(ctx: Context) -> list[str]:
    """Command-line arguments that rebuild ``ctx`` in a worker."""
    s = ctx.scale
    return ["--db", ctx.db, "--seed", str(s.seed), "--members", str(s.members), "--units", str(s.units),
            "--cases", str(s.cases), "--users", str(s.users), "--xlsx-members", str(s.xlsx_members),
            "--workflow-cases", str(s.workflow_cases),
            "--repeat", str(ctx.repeat), "--warmup", str(ctx.warmup), "--throughput-repeat",
            str(ctx.throughput_repeat), "--processes", str(ctx.processes)]


def run_isolated(name: str, ctx: Context) -> dict:
    """Run one benchmark in a fresh ``python -m bench _worker`` process."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    try:
        cmd = [sys.executable, "-m", "bench", "_worker", name, "--out", str(out), *context_args(ctx)]
        proc = subprocess.run(cmd, cwd=RESULTS_DIR.parents[1], check=False)  # noqa: S603
        if proc.returncode != 0 or not out.stat().st_size:
            return {"name": name, "status": "error", "error": f"worker exited with {proc.returncode}", "cases": []}
        return json.loads(out.read_text(encoding="utf-8"))
    finally:
        out.unlink(missing_ok=True)


def run(names: list[str], ctx: Context, *, isolate: bool = True, dataset: dict | None = None) -> dict:
    """Run benchmarks by name; returns the whole result document (environment, dataset, benchmarks)."""
    started = datetime.datetime.now().astimezone()
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "started_at": started.isoformat(timespec="seconds"),
        "environment": env.collect(with_database=True),
        "scale": ctx.scale.as_dict(),
        "dataset": dataset or {},
        "options": {"repeat": ctx.repeat, "warmup": ctx.warmup, "throughput_repeat": ctx.throughput_repeat,
                    "processes": ctx.processes, "isolated": isolate},
        "benchmarks": [],
    }
    for name in names:
        ctx.log(f"== {name}")
        entry = run_isolated(name, ctx) if isolate else run_benchmark(name, ctx)
        doc["benchmarks"].append(entry)
        if entry.get("status") == "skipped":
            ctx.log(f"   skipped: {entry.get('reason')}")
        elif entry.get("status") == "error":
            ctx.log(f"   error: {entry.get('error')}")
    doc["finished_at"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    doc["environment"]["load_average_at_end"] = env.load_average()
    return doc


def write_results(doc: dict, path: Path | None = None) -> Path:
    """Write the result document (``bench/results/<date>-<db>.json`` by default) atomically."""
    if path is None:
        day = doc["started_at"][:10]
        vendor = doc["environment"].get("database", {}).get("vendor", "nodb")
        path = RESULTS_DIR / f"{day}-{'postgres' if vendor == 'postgresql' else vendor}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
