"""``csv_import_baseline``: what the database's own bulk loader does with the members CSV.

The member-import issue compares its importer against these: ``sqlite3 <db> ".import --csv"`` of the
generated CSV into a fresh table (always), and ``psql \\copy`` into a fresh table when the benchmark
database is PostgreSQL. Each repetition starts from an empty file/table. The CLI's own peak memory is
sampled from /proc (bench.harness.memory).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from bench.datagen.generate import ensure_members_csv
from bench.harness.memory import run_sampled
from bench.harness.registry import Benchmark, Case, Context, Skip, register
from unionserve.members.template import MEMBER_COLUMNS


@register
class CsvImportBaseline(Benchmark):
    name = "csv_import_baseline"
    description = "sqlite3 CLI '.import --csv' (and psql \\copy on PostgreSQL) of the members CSV: rows/s."
    needs_db = False  # only the CSV (and, on PostgreSQL, the connection settings)
    needs_members_csv = True

    def setup(self, ctx: Context) -> list[Case]:
        sqlite3 = shutil.which("sqlite3")
        if sqlite3 is None:
            raise Skip("the sqlite3 command-line shell is not installed (apt-get install -y sqlite3)")
        csv_path = ensure_members_csv(ctx.scale, ctx.work_dir, processes=ctx.processes, log=ctx.log)
        rows = ctx.scale.members
        self.target = ctx.work_dir / "tmp" / "import_baseline.sqlite3"
        self.target.parent.mkdir(parents=True, exist_ok=True)
        size_mb = round(csv_path.stat().st_size / 1e6, 1)
        sqlite_params = {"tool": "sqlite3 .import --csv", "csv_mb": size_mb, "cli_peak_rss_mb": None}

        def sqlite_import() -> int:
            sqlite_params["cli_peak_rss_mb"] = run_sampled([sqlite3, str(self.target),
                                                            f".import --csv {csv_path} members"])
            return rows

        cases = [Case("sqlite3_cli", run=sqlite_import, kind="throughput", rows=rows, count_queries=False,
                      trace_memory=False, before_each=self._remove_target, params=sqlite_params)]
        psql = shutil.which("psql")
        if ctx.db == "postgres" and psql:
            cases.append(self._psql_case(psql, csv_path, rows, size_mb))
        return cases

    def _remove_target(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.target}{suffix}").unlink(missing_ok=True)

    def _psql_case(self, psql: str, csv_path: Path, rows: int, size_mb: float) -> Case:
        from django.db import connection

        columns = ", ".join(f'"{c.key}" text' for c in MEMBER_COLUMNS)
        settings = connection.settings_dict
        base = [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", settings["HOST"] or "127.0.0.1",
                "-p", str(settings["PORT"] or 5432), "-U", settings["USER"] or "postgres", "-d", settings["NAME"]]
        params = {"tool": "psql \\copy (FORMAT csv, HEADER)", "csv_mb": size_mb, "cli_peak_rss_mb": None}

        def reset() -> None:
            run_sampled([*base, "-c", f"DROP TABLE IF EXISTS bench_members_import; "
                                       f"CREATE TABLE bench_members_import ({columns})"])

        def copy() -> int:
            params["cli_peak_rss_mb"] = run_sampled([*base, "-c", f"\\copy bench_members_import FROM '{csv_path}' "
                                                                  "WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')"])
            return rows

        self.psql_cleanup = [*base, "-c", "DROP TABLE IF EXISTS bench_members_import"]
        return Case("psql_copy", run=copy, kind="throughput", rows=rows, count_queries=False, trace_memory=False,
                    before_each=reset, params=params)

    def teardown(self, ctx: Context) -> None:
        if hasattr(self, "target"):
            self._remove_target()
        if hasattr(self, "psql_cleanup"):
            run_sampled(self.psql_cleanup)
