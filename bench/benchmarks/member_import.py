"""``member_import`` and ``member_import_xlsx``: the register's import (members.importing) at Beijing scale.

Both run the **same import job as the page and the CLI** (``members.importing.run_job``: validation in
2 processes, encryption, staging table, one write transaction) against a **fresh database** of their own
(SQLite: ``bench/work/tmp/member_import.sqlite3``; PostgreSQL: database ``bench_import``), migrated, loaded
with the dataset's org tree, and with the employers imported from ``units.csv`` through the units import.
Each timed repetition starts from an empty member register (emptied untimed in ``before_each``).

- ``member_import`` / ``csv``: the members CSV; baseline ``sqlite3_cli`` — ``sqlite3 .import --csv`` of the
  same file into a bare table, timed in the same run (and ``psql_copy`` — ``\\copy`` into a bare table —
  on PostgreSQL). Target: ≤ 5× the baseline's time, peak memory ≤ 1 GB (main process + workers).
  ``csv_again`` imports the same file into the full register: every row "unchanged" (idempotence at scale).
- ``member_import_xlsx`` / ``xlsx``: one full sheet (1,048,575 members + the header = 1,048,576 rows),
  written once with xlsxwriter and cached; baseline ``calamine_read`` — python-calamine reading every row of
  the same file. Target: ≤ 2× the baseline's time. ``xlsx_excel``: the same members written as Excel and WPS
  save a sheet (shared strings, empty cells left out), against calamine reading that file
  (``BENCH_XLSX_EXCEL=0`` leaves it out).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from functools import partial
from pathlib import Path

from bench.datagen.generate import ensure_members_csv
from bench.harness.env import relative_name
from bench.harness.memory import _hwm_kb, cpu_seconds, reset_self_peak, run_sampled, self_peak_mb
from bench.harness.registry import Benchmark, Case, Context, Skip, register
from unionserve.members.template import MEMBER_COLUMNS, MEMBER_HEADERS

XLSX_ROWS = 1_048_575  # + the header row: one full Excel sheet
IMPORTER = "bench_city"


class ChildPeak:
    """Peak RSS (VmHWM) of this process's children (the validating workers), sampled twice a second."""

    def __init__(self) -> None:
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _children(self) -> list[int]:
        pids = []
        for task in Path("/proc/self/task").iterdir():
            try:
                pids += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue
        return pids

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            for pid in self._children():
                kb = _hwm_kb(pid)
                if kb:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), kb)

    def __enter__(self) -> ChildPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def total_mb(self) -> float:
        return round(sum(self.peaks.values()) / 1024, 1)


def use_fresh_database(ctx: Context) -> str:
    """Point Django's default connection at a fresh database with the dataset's org tree and bench users."""
    from django.core.management import call_command
    from django.db import connection

    from bench.harness.database import load_dataset

    connection.close()
    if connection.vendor == "sqlite":
        # A folder of this process's own: bench/work/tmp is shared with other benchmark runs.
        path = ctx.work_dir / "tmp" / f"member_import-{os.getpid()}" / "member_import.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        connection.settings_dict["NAME"] = str(path)
    else:
        import psycopg

        from bench.harness.database import PG_ADMIN_URL

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS bench_import")
            conn.execute("CREATE DATABASE bench_import")
        connection.settings_dict["NAME"] = "bench_import"
    call_command("migrate", interactive=False, verbosity=0)
    load_dataset(ctx.scale, log=ctx.log)
    return str(connection.settings_dict["NAME"])


def import_file(path: Path, kind: str, *, mode: str = "all_or_nothing"):
    """Run one import job (the page's path) as the city user; returns the finished job."""
    from django.core.files import File

    from unionserve.accounts.models import User
    from unionserve.members.importing import create_job, run_job

    user = User.objects.get(username=IMPORTER)
    with path.open("rb") as fh:
        job = create_job(kind=kind, mode=mode, file=File(fh, name=path.name), original_name=path.name,
                         acting_user=user)
    return run_job(job.pk)


def empty_register() -> None:
    """Remove every member (and their history and special groups), untimed."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("members_specialgrouprecord", "members_membershiphistory", "members_member"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def prepare(ctx: Context) -> tuple[Path, dict]:
    """Fresh database, employers imported; returns the dataset folder and facts for the results."""
    csv_path = ensure_members_csv(ctx.scale, ctx.work_dir, processes=ctx.processes, log=ctx.log)
    data_dir = csv_path.parent
    t0 = time.perf_counter()
    name = use_fresh_database(ctx)
    units = import_file(data_dir / "units.csv", "units", mode="valid_rows")
    if units.status != "done" or units.invalid:
        raise RuntimeError(f"units import: {units.status} {units.message}")
    facts = {"database": relative_name(name), "employers": units.created, "units_import_s": round(
        (units.finished_at - units.started_at).total_seconds(), 1), "setup_s": round(time.perf_counter() - t0, 1)}
    ctx.log(f"fresh database {name}: {units.created:,} employers imported")
    return data_dir, facts


def _fill_if_empty(csv_path: Path) -> None:
    from unionserve.members.models import Member

    if not Member.objects.exists():
        import_file(csv_path, "members")


def _rss_kb() -> int | None:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None


def _job_params(job, params: dict, peak: ChildPeak, cpu_s: float, peak_reset: bool) -> None:
    if job.status != "done":
        raise RuntimeError(f"import {job.status}: {job.message[:500]}")
    # CPU seconds (this process and its workers) move less than wall time when other work shares the machine;
    # the main process's peak is the import's own where the kernel let it be reset before the import.
    params.update({"created": job.created, "updated": job.updated, "unchanged": job.unchanged,
                   "invalid": job.invalid, "main_peak_rss_mb": self_peak_mb(), "main_peak_is_import_only": peak_reset,
                   "workers_peak_rss_mb": peak.total_mb, "cpu_s": round(cpu_s, 2)})


def _imported(csv_path: Path, params: dict):
    """Import the file, with its CPU time and peak memory written into `params`."""
    peak_reset = reset_self_peak()
    params["main_rss_at_start_mb"] = round((_rss_kb() or 0) / 1024, 1)
    cpu0 = cpu_seconds()
    with ChildPeak() as peak:
        job = import_file(csv_path, "members")
    _job_params(job, params, peak, cpu_seconds() - cpu0, peak_reset)
    return job


@register
class MemberImport(Benchmark):
    name = "member_import"
    description = "Import the members CSV (validation, encryption, indexes) vs sqlite3 .import / psql \\copy."
    needs_db = True
    needs_members_csv = True

    def setup(self, ctx: Context) -> list[Case]:
        sqlite3 = shutil.which("sqlite3")
        if sqlite3 is None:
            raise Skip("the sqlite3 command-line shell is not installed (apt-get install -y sqlite3)")
        data_dir, facts = prepare(ctx)
        csv_path = data_dir / "members.csv"
        rows = ctx.scale.members
        self.target = ctx.work_dir / "tmp" / f"member_import-{os.getpid()}" / "baseline.sqlite3"
        self.target.parent.mkdir(parents=True, exist_ok=True)
        params: dict = {**facts, "file_mb": round(csv_path.stat().st_size / 1e6, 1)}

        def run_import() -> int:
            job = _imported(csv_path, params)
            if job.created != rows:
                raise RuntimeError(f"created {job.created} of {rows}")
            return rows

        def baseline() -> int:
            self._remove_target()
            params["baseline_cli_peak_rss_mb"] = run_sampled([sqlite3, str(self.target),
                                                              f".import --csv {csv_path} members"])
            return rows

        baselines = {"sqlite3_cli": baseline}
        psql = shutil.which("psql")
        if ctx.db == "postgres" and psql:
            baselines["psql_copy"] = self._psql_copy(psql, csv_path)
        again: dict = {}

        def run_again() -> int:
            job = _imported(csv_path, again)
            if job.unchanged != rows:
                raise RuntimeError(f"re-import: {job.unchanged} of {rows} unchanged")
            return rows

        return [
            Case("csv", run=run_import, kind="throughput", rows=rows, baselines=baselines, count_queries=False,
                 trace_memory=False, before_each=empty_register, params=params),
            # The baseline's before_each empties the register too: fill it again, untimed, when it is empty.
            Case("csv_again", run=run_again, kind="throughput", rows=rows, count_queries=False, trace_memory=False,
                 repeat=1, params=again, before_each=lambda: _fill_if_empty(csv_path)),
        ]

    def _psql_copy(self, psql: str, csv_path: Path):
        from django.db import connection

        columns = ", ".join(f'"{c.key}" text' for c in MEMBER_COLUMNS)
        s = connection.settings_dict
        base = [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432),
                "-U", s["USER"] or "postgres", "-d", s["NAME"]]

        def copy() -> int:
            run_sampled([*base, "-c", f"DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy ({columns})"])
            run_sampled([*base, "-c", f"\\copy bench_copy FROM '{csv_path}' WITH (FORMAT csv, HEADER true)"])
            return 0

        self.psql_cleanup = [*base, "-c", "DROP TABLE IF EXISTS bench_copy"]
        return copy

    def _remove_target(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.target}{suffix}").unlink(missing_ok=True)

    def teardown(self, ctx: Context) -> None:
        if hasattr(self, "target"):
            self._remove_target()
        if hasattr(self, "psql_cleanup"):
            run_sampled(self.psql_cleanup)
        _remove_fresh_database(ctx)


def _remove_fresh_database(ctx: Context) -> None:
    from django.db import connection

    connection.close()
    shutil.rmtree(ctx.work_dir / "tmp" / f"member_import-{os.getpid()}", ignore_errors=True)


def ensure_xlsx(ctx: Context, data_dir: Path, rows: int, log, *, as_excel: bool = False) -> Path:
    """A workbook of one sheet: the header and the first ``rows`` members (xlsxwriter, cached).

    By default every cell is written as an inline string (xlsxwriter's constant-memory mode). ``as_excel``
    writes the sheet as Excel and WPS save one: text in the shared string table, empty cells left out."""
    import xlsxwriter

    from bench.datagen.members import iter_members
    from bench.datagen.plan import build_plan

    path = data_dir / (f"members-sheet-{rows}-shared.xlsx" if as_excel else f"members-sheet-{rows}.xlsx")
    if path.exists():
        return path
    mode = "shared strings, empty cells left out" if as_excel else "xlsxwriter constant_memory"
    log(f"writing {path.name} ({rows:,} rows, {mode}) ...")
    t0 = time.perf_counter()
    plan = build_plan(ctx.scale.seed, ctx.scale.units, ctx.scale.members)
    tmp = path.with_suffix(".tmp.xlsx")
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": not as_excel, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("会员")
    ws.write_row(0, 0, MEMBER_HEADERS)
    for i, row in enumerate(iter_members(plan, rows), start=1):
        for j, value in enumerate(row):
            if value or not as_excel:
                ws.write_string(i, j, value)
    wb.close()
    os.replace(tmp, path)
    log(f"{path.name}: {path.stat().st_size / 1e6:,.1f} MB in {time.perf_counter() - t0:,.0f} s")
    return path


@register
class MemberImportXlsx(Benchmark):
    name = "member_import_xlsx"
    description = "Import one full XLSX sheet (1,048,576 rows) vs python-calamine reading the same file."
    needs_db = True
    needs_members_csv = True

    def setup(self, ctx: Context) -> list[Case]:
        data_dir, facts = prepare(ctx)
        rows = min(XLSX_ROWS, ctx.scale.members)
        path = ensure_xlsx(ctx, data_dir, rows, ctx.log)
        params: dict = {**facts, "file_mb": round(path.stat().st_size / 1e6, 1), "sheet_rows": rows + 1}

        def run_import() -> int:
            return _imported(path, params).created

        def calamine_read(path: Path = path) -> int:
            from python_calamine import CalamineWorkbook

            sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
            return sum(1 for _row in sheet.iter_rows()) - 1

        cases = [Case("xlsx", run=run_import, kind="throughput", rows=rows, baselines={"calamine_read": calamine_read},
                      count_queries=False, trace_memory=False, before_each=empty_register, params=params)]
        if os.environ.get("BENCH_XLSX_EXCEL", "1") != "0":
            excel = ensure_xlsx(ctx, data_dir, rows, ctx.log, as_excel=True)
            excel_params: dict = {**facts, "file_mb": round(excel.stat().st_size / 1e6, 1), "sheet_rows": rows + 1,
                                  "written_as": "Excel does: shared strings, empty cells left out"}

            def run_excel_import() -> int:
                return _imported(excel, excel_params).created

            cases.append(Case("xlsx_excel", run=run_excel_import, kind="throughput", rows=rows,
                              baselines={"calamine_read": partial(calamine_read, excel)}, count_queries=False,
                              trace_memory=False, before_each=empty_register, params=excel_params))
        return cases

    def teardown(self, ctx: Context) -> None:
        _remove_fresh_database(ctx)
