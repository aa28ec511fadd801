"""``python -m bench``: generate the dataset, run benchmarks, render result tables.

    python -m bench list
    python -m bench generate [--members N] [--units N] [--cases N] [--seed N] [--xlsx-members N] [--out DIR]
                             [--processes N] [--checksum] [--load-db --db sqlite|postgres]
    python -m bench run [names...] [--db sqlite|postgres] [--repeat N] [--warmup N] [--members N] ...
                        [--workflow-cases N]
    python -m bench report bench/results/A.json [B.json ...]   (Markdown table)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from bench.datagen.generate import WORK_DIR, Scale


def _add_scale(p: argparse.ArgumentParser) -> None:
    d = Scale()
    p.add_argument("--seed", type=int, default=d.seed, help=f"random seed (default {d.seed})")
    p.add_argument("--members", type=int, default=d.members, help=f"members (default {d.members:,})")
    p.add_argument("--units", type=int, default=d.units, help=f"org units in all (default {d.units:,})")
    p.add_argument("--cases", type=int, default=d.cases, help=f"cases in the history (default {d.cases:,})")
    p.add_argument("--users", type=int, default=d.users, help=f"bench users in the database (default {d.users:,})")
    p.add_argument("--xlsx-members", type=int, default=d.xlsx_members,
                   help=f"members also written to XLSX, the first N (default {d.xlsx_members:,}; 0: none)")
    p.add_argument("--processes", type=int, default=2, help="processes writing the members CSV (default 2)")
    p.add_argument("--workflow-cases", type=int, default=d.workflow_cases,
                   help=f"work-order cases in the database for the workflow benchmarks (default {d.workflow_cases:,})")


def _add_run(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--repeat", type=int, default=50, help="timed repetitions of latency cases (default 50)")
    p.add_argument("--warmup", type=int, default=5, help="untimed warm-up runs of latency cases (default 5)")
    p.add_argument("--throughput-repeat", type=int, default=1,
                   help="timed repetitions of throughput cases (default 1)")
    _add_scale(p)


def _scale(args: argparse.Namespace) -> Scale:
    return Scale(seed=args.seed, members=args.members, units=args.units, cases=args.cases, users=args.users,
                 xlsx_members=args.xlsx_members, workflow_cases=args.workflow_cases)


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _context(args: argparse.Namespace):
    from bench.harness.registry import Context

    return Context(scale=_scale(args), db=args.db, work_dir=WORK_DIR, repeat=args.repeat, warmup=args.warmup,
                   throughput_repeat=args.throughput_repeat, processes=args.processes, log=_log)


def cmd_list(_args: argparse.Namespace) -> int:
    from bench.harness.registry import discover

    for name, cls in sorted(discover().items()):
        print(f"{name:<22} {cls.description}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from bench.datagen.generate import generate_dataset

    scale = _scale(args)
    out = Path(args.out) if args.out else WORK_DIR / "data" / scale.name
    manifest = generate_dataset(scale, out, processes=args.processes, checksum=args.checksum, log=_log)
    if args.load_db:
        from bench.harness.database import configure_django, prepare_database

        configure_django(args.db)
        manifest["database"] = prepare_database(scale, log=_log)
    print(json.dumps(manifest, ensure_ascii=False, indent=2))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bench.harness import report, runner
    from bench.harness.database import configure_django, prepare_database
    from bench.harness.registry import discover

    registry = discover()
    names = args.names or sorted(registry)
    unknown = [n for n in names if n not in registry]
    if unknown:
        _log(f"unknown benchmark(s): {', '.join(unknown)}; see python -m bench list")
        return 2
    ctx = _context(args)
    configure_django(args.db)
    dataset: dict = {}
    if any(registry[n].needs_db for n in names):
        dataset = prepare_database(ctx.scale, log=_log)
    if any(registry[n].needs_workflow_cases for n in names):
        from bench.datagen.cases_db import ensure_cases

        dataset["workflow_cases"] = ensure_cases(ctx.scale, log=_log)
    if any(registry[n].needs_members_csv for n in names):
        from bench.datagen.generate import ensure_members_csv

        t0 = time.perf_counter()
        path = ensure_members_csv(ctx.scale, ctx.work_dir, processes=ctx.processes, log=_log)
        dataset["members_csv"] = {"path": str(path.relative_to(WORK_DIR.parent.parent)),
                                  "bytes": path.stat().st_size, "ready_in_s": round(time.perf_counter() - t0, 1)}
    doc = runner.run(names, ctx, isolate=not args.no_isolate, dataset=dataset)
    path = runner.write_results(doc, Path(args.out) if args.out else None)
    print(report.text(doc))
    _log(f"results written to {path}")
    return 1 if any(b.get("status") == "error" for b in doc["benchmarks"]) else 0


def cmd_worker(args: argparse.Namespace) -> int:
    from bench.harness.database import configure_django
    from bench.harness.runner import run_benchmark

    configure_django(args.db)
    entry = run_benchmark(args.name, _context(args))
    Path(args.out).write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from bench.harness import report

    print(report.markdown(report.load([Path(p) for p in args.files])), end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the benchmarks").set_defaults(func=cmd_list)

    p = sub.add_parser("generate", help="write the dataset files (and optionally load the database)")
    _add_scale(p)
    p.add_argument("--out", help="output folder (default bench/work/data/<dataset name>)")
    p.add_argument("--checksum", action="store_true", help="record the SHA-256 of every file in manifest.json")
    p.add_argument("--load-db", action="store_true", help="also migrate and load the org units into --db")
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("run", help="run benchmarks (all when none is named)")
    p.add_argument("names", nargs="*")
    _add_run(p)
    p.add_argument("--no-isolate", action="store_true", help="run every benchmark in this process")
    p.add_argument("--out", help="result file (default bench/results/<date>-<db>.json)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("_worker", help=argparse.SUPPRESS)
    p.add_argument("name")
    p.add_argument("--out", required=True)
    _add_run(p)
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("report", help="Markdown table of result files")
    p.add_argument("files", nargs="+")
    p.set_defaults(func=cmd_report)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
