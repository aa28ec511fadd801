"""``datagen_members``: how fast the generator writes members (CSV in parallel, XLSX in one process)."""

from __future__ import annotations

import shutil
import time

from bench.datagen.generate import write_members_csv
from bench.datagen.members import iter_members
from bench.datagen.plan import build_plan
from bench.datagen.writers import write_xlsx
from bench.harness.registry import Benchmark, Case, Context, register
from unionserve.members.template import MEMBER_HEADERS


@register
class DatagenMembers(Benchmark):
    name = "datagen_members"
    description = "Generate N members to the import-template CSV (and the first --xlsx-members to XLSX): rows/s."
    needs_db = False

    def setup(self, ctx: Context) -> list[Case]:
        self.dir = ctx.work_dir / "tmp" / "datagen"
        self.dir.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        plan = build_plan(ctx.scale.seed, ctx.scale.units, ctx.scale.members)
        plan_s = round(time.perf_counter() - t0, 2)
        csv_path = self.dir / "members.csv"
        params = {"processes": ctx.processes, "plan_seconds_untimed": plan_s, "file": "members.csv"}
        cases = [Case(
            "csv", kind="throughput", rows=ctx.scale.members, count_queries=False, trace_memory=False,
            run=lambda: write_members_csv(plan, csv_path, ctx.processes, stats=params), params=params,
        )]
        if ctx.scale.xlsx_members:
            xlsx_path = self.dir / "members.xlsx"
            rows = min(ctx.scale.xlsx_members, ctx.scale.members)
            cases.append(Case(
                "xlsx", kind="throughput", rows=rows, count_queries=False, trace_memory=False,
                run=lambda: write_xlsx(xlsx_path, MEMBER_HEADERS, iter_members(plan, rows), title="会员"),
                params={"processes": 1, "file": "members.xlsx", "mode": "openpyxl write_only"},
            ))
        self.paths = [csv_path]
        return cases

    def teardown(self, ctx: Context) -> None:
        shutil.rmtree(getattr(self, "dir", ctx.work_dir / "tmp" / "datagen"), ignore_errors=True)
