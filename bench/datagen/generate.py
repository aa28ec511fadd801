"""Generate the dataset files: members (CSV, XLSX), units (CSV, XLSX) and cases (CSV).

``python -m bench generate --help`` is the command line; :func:`generate_dataset` does the work. The
members CSV is written by up to ``processes`` processes, one fixed partition at a time, and is byte for
byte the same whatever the number of processes.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import shutil
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from unionserve.members.template import CASE_HEADERS, MEMBER_HEADERS, UNIT_HEADERS

from . import tables
from .cases import iter_case_rows
from .members import PARTITIONS, iter_member_rows, iter_members, partition_bounds, slice_units, unit_refs
from .plan import OrgPlan, build_plan
from .writers import BOM, write_csv, write_xlsx

#: Bump when the generator's output changes, so cached datasets and databases are rebuilt.
GENERATOR_VERSION = 1
BENCH_DIR = Path(__file__).resolve().parents[1]
WORK_DIR = BENCH_DIR / "work"


@dataclass(frozen=True)
class Scale:
    """The size knobs. Defaults: Beijing (DESIGN.md "Scale to design for")."""

    seed: int = 12351
    members: int = tables.MEMBERS
    units: int = tables.UNITS
    cases: int = tables.CASES
    users: int = 2000
    xlsx_members: int = 100_000
    #: Work-order cases of the workflow engine in the database (bench/datagen/cases_db.py).
    workflow_cases: int = 1_000_000

    @property
    def name(self) -> str:
        """Folder name of the dataset's files."""
        return f"v{GENERATOR_VERSION}-s{self.seed}-m{self.members}-u{self.units}-c{self.cases}"

    def db_fingerprint(self) -> str:
        """What the database holds: the org units and bench users depend on these only."""
        key = json.dumps({"v": GENERATOR_VERSION, "seed": self.seed, "units": self.units, "users": self.users})
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def as_dict(self) -> dict:
        return asdict(self)


def unit_rows(plan: OrgPlan) -> Iterator[tuple[str, ...]]:
    """Rows of the units template (UNIT_COLUMNS)."""
    for e in plan.employers():
        yield (e.name, e.uscc, e.station_code, e.company_code, "是" if e.grassroots_code else "否",
               e.grassroots_code, str(e.members), e.contact, e.phone)


def _write_partition(job: tuple[Path, list, int, int, int]) -> tuple[int, int, float, float | None]:
    """Worker: write one partition of members (no header) to its own file; returns its peak RSS too."""
    from bench.harness.memory import self_peak_mb

    path, units, start, p, seed = job
    t0 = time.perf_counter()
    rows = write_csv(path, None, iter_member_rows(units, start, p, seed), bom=False)
    return p, rows, time.perf_counter() - t0, self_peak_mb()


def write_members_csv(plan: OrgPlan, path: Path, processes: int = 2, stats: dict | None = None) -> int:
    """The members CSV of ``plan`` (``plan.allocate_members`` first), in ``processes`` processes.

    ``stats``, when given, receives the worker processes' peak RSS.
    """
    units = unit_refs(plan)
    jobs = []
    for p in range(PARTITIONS):
        start, stop = partition_bounds(plan.members, p)
        jobs.append((path.with_name(f"{path.name}.part{p}"), slice_units(units, start, stop), start, p, plan.seed))
    if processes <= 1:
        write_csv(path, MEMBER_HEADERS, [])
        return sum(
            write_csv(path, None, iter_member_rows(units_, start, p, seed), bom=False, mode="a")
            for _part, units_, start, p, seed in jobs
        )
    # spawn, not fork: the parent may hold database connections and threads.
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        done = pool.map(_write_partition, jobs, chunksize=1)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(BOM)
    write_csv(path, MEMBER_HEADERS, [], bom=False, mode="a")
    with path.open("ab") as out:
        for part, *_ in jobs:
            with part.open("rb") as src:
                shutil.copyfileobj(src, out, 1 << 22)
            part.unlink()
    if stats is not None:
        stats["worker_peak_rss_mb"] = max(mb or 0 for *_rest, mb in done)
    return sum(rows for _p, rows, _s, _mb in done)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def generate_dataset(scale: Scale, out_dir: Path, *, processes: int = 2, checksum: bool = False,
                     log=print) -> dict:
    """Write every file of the dataset into ``out_dir`` and a ``manifest.json``; returns the manifest."""
    out_dir.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    plan = build_plan(scale.seed, scale.units, scale.members)
    timings["plan"] = time.perf_counter() - t0
    log(f"plan: {len(plan.grassroots):,} grassroots unions, {len(plan.employers()):,} employers "
        f"({timings['plan']:.1f} s)")
    files: dict[str, dict] = {}

    def record(key: str, path: Path, rows: int, seconds: float) -> None:
        timings[key] = seconds
        files[key] = {"path": path.name, "rows": rows, "bytes": path.stat().st_size, "seconds": round(seconds, 3),
                      "rows_per_s": round(rows / seconds) if seconds else None}
        log(f"{path.name}: {rows:,} rows, {path.stat().st_size / 1e6:,.1f} MB in {seconds:.1f} s")

    t = time.perf_counter()
    path = out_dir / "members.csv"
    record("members_csv", path, write_members_csv(plan, path, processes), time.perf_counter() - t)
    if scale.xlsx_members:
        t = time.perf_counter()
        path = out_dir / "members.xlsx"
        rows = write_xlsx(path, MEMBER_HEADERS, iter_members(plan, scale.xlsx_members), title="会员")
        record("members_xlsx", path, rows, time.perf_counter() - t)
    t = time.perf_counter()
    path = out_dir / "units.csv"
    record("units_csv", path, write_csv(path, UNIT_HEADERS, unit_rows(plan)), time.perf_counter() - t)
    t = time.perf_counter()
    path = out_dir / "units.xlsx"
    record("units_xlsx", path, write_xlsx(path, UNIT_HEADERS, unit_rows(plan), title="单位"), time.perf_counter() - t)
    t = time.perf_counter()
    path = out_dir / "cases.csv"
    record("cases_csv", path, write_csv(path, CASE_HEADERS, iter_case_rows(plan, scale.cases)),
           time.perf_counter() - t)
    if checksum:
        for info in files.values():
            info["sha256"] = sha256_file(out_dir / info["path"])
    manifest = {"generator_version": GENERATOR_VERSION, "scale": scale.as_dict(), "processes": processes,
                "files": files, "seconds_total": round(time.perf_counter() - t0, 3)}
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def ensure_members_csv(scale: Scale, work_dir: Path = WORK_DIR, processes: int = 2, log=print) -> Path:
    """The dataset's members CSV under ``work_dir``/data/, generated when missing (cached by scale)."""
    out_dir = work_dir / "data" / scale.name
    path = out_dir / "members.csv"
    if not (out_dir / "manifest.json").exists() or not path.exists():
        log(f"generating the dataset into {out_dir} ...")
        generate_dataset(Scale(**{**scale.as_dict(), "xlsx_members": 0}), out_dir, processes=processes, log=log)
    return path
