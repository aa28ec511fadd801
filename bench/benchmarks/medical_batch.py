"""``medical_batch``: the quarterly medical mutual-aid batch (issue 16): a quarter's expense file of N lines read,
validated, decided against eligibility, computed against the annual caps and written.

The register is loaded once (``datagen.members_db.ensure_members``, the same members as ``members.csv``); every
active member gets a valid Jingka card and a medical-plan enrolment for 2026 (two INSERT … SELECT, untimed).
The expense file (``BENCH_MEDICAL_LINES`` lines, default 1,000,000, cached under the work folder) picks members
from ``members.csv`` (one in ``BENCH_MEDICAL_EVERY``, default 2, so lines repeat members and the cap counts
across lines), 85% outpatient, amounts heavy-tailed (a few over the cap), visits in Q1 2026, seeded.

Case ``import``: ``mutualaid.actions.import_expenses`` (the page's and the command's path) into an empty batch
table (the previous run's batch removed untimed). Baseline ``sqlite3_cli``: ``sqlite3 <fresh db> ".import --csv"``
of the same file, in the same run. Target: 1,000,000 lines ≤ 60 s and peak memory ≤ 1 GB at 4M members.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import shutil
from pathlib import Path

from bench.harness.memory import run_sampled, self_peak_mb
from bench.harness.registry import Benchmark, Case, Context, Skip, register

HOSPITALS = ["北京协和医院", "北京大学第一医院", "北京大学人民医院", "北京大学第三医院", "中日友好医院", "北京医院",
             "首都医科大学附属北京朝阳医院", "首都医科大学宣武医院", "首都医科大学附属北京同仁医院", "北京积水潭医院",
             "北京天坛医院", "北京安贞医院", "北京友谊医院", "北京世纪坛医院", "北京中医医院", "海淀医院",
             "朝阳区第二医院", "丰台医院", "通州区潞河医院", "昌平区医院"]


def lines_wanted() -> int:
    return int(os.environ.get("BENCH_MEDICAL_LINES", "1000000"))


def write_expense_file(members_csv: Path, out: Path, lines: int, seed: int, every: int = 2) -> int:
    """The expense file (header of mutualaid.medical.COLUMNS); returns the lines written."""
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data
    ids: list[tuple[str, str]] = []
    with members_csv.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for i, row in enumerate(reader):
            if i % every == 0:
                ids.append((row[1], row[0]))
            if len(ids) >= lines:
                break
    start = dt.date(2026, 1, 1)
    tmp = out.with_suffix(".part")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["身份证号", "姓名", "医院", "就诊类型", "就诊开始日期", "就诊结束日期", "自付一金额"])
        for _n in range(lines):
            number, name = ids[rng.randrange(len(ids))]
            inpatient = rng.random() < 0.15
            first = start + dt.timedelta(days=rng.randrange(90))
            last = min(first + dt.timedelta(days=rng.randrange(1, 20)), dt.date(2026, 3, 31)) if inpatient else first
            amount = rng.lognormvariate(9.0 if inpatient else 5.5, 1.0)
            writer.writerow([number, name, HOSPITALS[rng.randrange(len(HOSPITALS))], "住院" if inpatient else "门诊",
                             first.isoformat(), last.isoformat(), f"{min(amount, 900000):.2f}"])
    tmp.replace(out)
    return lines


def cards_and_enrolments(log) -> int:
    """Every active member: a valid card and a 2026 medical enrolment in social insurance (untimed, once)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from unionserve.cards.models import Card
    from unionserve.members.models import Member
    from unionserve.mutualaid.models import Enrolment, Plan
    from unionserve.mutualaid.setup import setup

    setup()
    plan = Plan.objects.get(code="medical")
    members = Member.objects.filter(status="active").count()
    if Enrolment.objects.filter(plan=plan, year=2026).count() == members and Card.objects.count() >= members:
        return members
    qn = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    day = connection.ops.adapt_datefield_value(dt.date(2020, 1, 1))
    m, c, e = Member._meta.db_table, Card._meta.db_table, Enrolment._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {qn(e)}")  # noqa: S608 - model tables
        cursor.execute(f"DELETE FROM {qn(c)}")  # noqa: S608
        cursor.execute(
            # documents and refusal_reason have Python defaults only: a raw insert names them.
            f"INSERT INTO {qn(c)} (member_id, status, applied_at_unit_id, applied_on, valid_from, created_at, "  # noqa: S608
            f"updated_at, documents, refusal_reason) SELECT id, 'issued', grassroots_id, %s, %s, %s, %s, '[]', '' "
            f"FROM {qn(m)} WHERE status = 'active'",
            [day, day, now, now])
        cursor.execute(
            f"INSERT INTO {qn(e)} (member_id, plan_id, year, unit_id, contribution, paid_on, in_social_insurance, "  # noqa: S608
            f"source, created_at) SELECT id, %s, 2026, grassroots_id, '80.00', %s, %s, 'bench', %s FROM {qn(m)} "
            f"WHERE status = 'active'", [plan.pk, day, True, now])
    log(f"medical_batch: {members:,} cards and enrolments")
    return members


def empty_batches() -> None:
    from django.db import connection, transaction

    from unionserve.mutualaid.models import ExpenseBatch, ExpenseLine, FileImport

    with transaction.atomic(), connection.cursor() as cursor:
        for model in (ExpenseLine, ExpenseBatch, FileImport):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608


@register
class MedicalBatch(Benchmark):
    name = "medical_batch"
    description = "Quarterly medical expense file: read, validate, decide, compute against the caps, write (≤ 60 s/1M)."
    needs_db = True
    needs_members_csv = True

    def setup(self, ctx: Context) -> list[Case]:
        sqlite3 = shutil.which("sqlite3")
        if sqlite3 is None:
            raise Skip("the sqlite3 command-line shell is not installed (apt-get install -y sqlite3)")
        try:
            from unionserve.mutualaid import actions
        except Exception as exc:  # the app may be mid-edit
            raise Skip(f"mutualaid does not import: {exc!r}") from exc
        from bench.datagen.generate import ensure_members_csv
        from bench.datagen.members_db import ensure_members
        from unionserve.accounts.models import User

        members_csv = ensure_members_csv(ctx.scale, ctx.work_dir, processes=ctx.processes, log=ctx.log)
        ensure_members(ctx.scale, log=ctx.log)
        enrolled = cards_and_enrolments(ctx.log)
        lines = lines_wanted()
        path = ctx.work_dir / "tmp" / f"medical-{ctx.scale.seed}-{ctx.scale.members}-{lines}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            write_expense_file(members_csv, path, lines, ctx.scale.seed)
        user = User.objects.get(username="bench_city")
        self.target = ctx.work_dir / "tmp" / f"medical-baseline-{os.getpid()}.sqlite3"
        params: dict = {"lines": lines, "members": ctx.scale.members, "enrolled": enrolled,
                        "file_mb": round(path.stat().st_size / 1e6, 1)}

        def run_import() -> int:
            batch = actions.import_expenses(path=str(path), name=path.name, year=2026, quarter=1,
                                            office=user.org_unit, acting_user=user)
            params.update({"rejected": batch.rejected, "flagged": batch.flagged, "payout": str(batch.total_payout),
                           "main_peak_rss_mb": self_peak_mb()})
            if batch.lines != lines:
                raise RuntimeError(f"{batch.lines} lines written of {lines}")
            return lines

        def baseline() -> int:
            self._remove_target()
            params["baseline_cli_peak_rss_mb"] = run_sampled([sqlite3, str(self.target),
                                                              f".import --csv {path} expenses"])
            return lines

        return [Case("import", run=run_import, kind="throughput", rows=lines, baselines={"sqlite3_cli": baseline},
                     count_queries=False, trace_memory=False, before_each=empty_batches, params=params)]

    def _remove_target(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{self.target}{suffix}").unlink(missing_ok=True)

    def teardown(self, ctx: Context) -> None:
        if hasattr(self, "target"):
            self._remove_target()
