"""Served visits: ``swipe_import`` (a bank's swipe file into the ledger) and ``visit_rates`` (the city's rates).

Both need the register in the database (``bench.datagen.members_db.ensure_members``) and a card for every
member with a card number (92.7% of them, as the seeds' 3.56M cards of 3.84M members): ``ensure_cards`` makes
them with one ``INSERT … SELECT`` (benchmark-only: issued, valid since 2024-01-01).

- ``swipe_import``: ``visits.actions.import_file`` — the page's, the API's and the command's path — of a CSV of
  ``BENCH_SWIPE_ROWS`` rows (default 1,000,000; seed 004's month is ~160,000 visits): random cards, times in
  June 2025, codes of 1,029 projects (seed 004: 全年运行服务项目总计1029项), 2% of rows unknown cards. Case
  ``csv`` from an empty ledger each time; ``csv_again`` the same file over the full ledger (every row already
  counted). Baseline ``sqlite3_cli``: ``sqlite3 <fresh db> ".import --csv"`` of the same file, same run.
  Target: 1,000,000 rows ≤ 60 s with 3.5M cards and 4M members.
- ``visit_rates``: ``BENCH_VISITS`` (default 2,000,000) visits over 2025 loaded once (fingerprint in
  ``bench_dataset``); case ``city`` computes every unit's rate for 2025 (two GROUP BY, the roll-up), ranks the
  judged units and reads the months, as the city office's page does; ``page`` is that page
  (``/visits/?level=2&year=2025``, django.test.Client in process). Target ≤ 2 s.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import shutil
from pathlib import Path

from bench.harness.memory import run_sampled
from bench.harness.registry import Benchmark, Case, Context, Skip, register

PROJECTS = 1029
SWIPE_TARGET_S = 60.0
RATES_TARGET_MS = 2000.0
RATES_YEAR = 2025


def ensure_cards(log) -> int:
    """A card for every member with a card number (issued, valid since 2024), unless they exist."""
    from django.db import connection, transaction

    from unionserve.cards.models import Card
    from unionserve.members.models import Member

    wanted = Member.objects.exclude(card_number="").count()
    if Card.objects.count() == wanted:
        return wanted
    now = "2025-06-30 12:00:00" if connection.vendor == "sqlite" else "2025-06-30T12:00:00+00:00"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Card._meta.db_table}")  # noqa: S608 - our table
        cursor.execute(
            f"INSERT INTO {Card._meta.db_table} (member_id, number, status, applied_at_unit_id, applied_on, "  # noqa: S608
            "valid_from, created_at, updated_at, documents, refusal_reason) SELECT id, card_number, 'issued', "
            f"grassroots_id, '2024-01-01', '2024-01-01', %s, %s, '[]', '' FROM {Member._meta.db_table} "
            "WHERE card_number <> ''", [now, now])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"cards: {wanted:,}")
    return wanted


def _city_user():
    from unionserve.accounts.actions import create_user
    from unionserve.accounts.models import User
    from unionserve.core.roles import Role
    from unionserve.orgs.models import OrgUnit

    user = User.objects.filter(username="bench_visits").first()
    if user is None:
        city = OrgUnit.objects.filter(region_parent__isnull=True, industry_parent__isnull=True).order_by("pk").first()
        user = create_user(username="bench_visits", display_name="bench", org_unit=city, roles=[Role.CITY_OFFICE],
                           password="Bench-pass-123", must_change_password=False, acting_user=None)
    return user


def write_swipes(path: Path, rows: int, seed: int) -> int:
    """The swipe file: random cards of the register, June 2025, 1,029 project codes; 2% unknown cards."""
    from unionserve.cards.models import Card

    numbers = list(Card.objects.values_list("number", flat=True).order_by("pk"))
    rng = random.Random(seed)  # noqa: S311 - deterministic benchmark data
    start = dt.datetime(2025, 6, 1, 8)  # noqa: DTZ001 - a bank file's wall-clock times
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["卡号", "刷卡时间", "商户/项目代码", "金额"])
        for _i in range(rows):
            number = rng.choice(numbers) if rng.random() >= 0.02 else f"621998{rng.randrange(10**13):013d}"
            when = start + dt.timedelta(seconds=rng.randrange(30 * 86400))
            out.writerow([number, when.strftime("%Y-%m-%d %H:%M:%S"), f"P{rng.randrange(1, PROJECTS + 1):04d}",
                          "" if rng.random() < 0.5 else f"{rng.randrange(1, 20000) / 100:.2f}"])
    return rows


def _clear_ledger() -> None:
    from django.db import connection

    from unionserve.visits.models import ServedVisit, SwipeImport

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ServedVisit._meta.db_table}")  # noqa: S608 - our table
    SwipeImport.objects.all().delete()


@register
class SwipeImportBench(Benchmark):
    name = "swipe_import"
    description = "A bank's card swipe file into the served-visit ledger (1,000,000 rows ≤ 60 s)."

    def setup(self, ctx: Context) -> list[Case]:
        try:
            from unionserve.visits import actions
        except Exception as exc:  # the app may be mid-edit
            raise Skip(f"visits does not import: {exc!r}") from exc
        from bench.datagen.members_db import ensure_members

        loaded = ensure_members(ctx.scale, log=ctx.log)
        cards = ensure_cards(ctx.log)
        rows = int(os.environ.get("BENCH_SWIPE_ROWS", 1_000_000))
        tmp = ctx.work_dir / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        path = tmp / f"swipes-{ctx.scale.seed}-{ctx.scale.members}-{rows}.csv"
        if not path.exists():
            write_swipes(path, rows, ctx.scale.seed)
        user = _city_user()
        # A throughput case has no latency target: the target (60 s a million rows) is stated as rows/s.
        params: dict = {"rows": rows, "cards": cards, "members": ctx.scale.members, "loader": loaded,
                        "csv_mb": round(path.stat().st_size / 1e6, 1),
                        "target_rows_per_s": round(1_000_000 / SWIPE_TARGET_S)}

        def run() -> int:
            imp = actions.import_file(path, original_name=path.name, acting_user=user)
            params.update(visits_added=imp.visits_added, already_counted=imp.already_counted,
                          error_rows=imp.error_rows)
            return imp.rows

        again_params = dict(params)

        def run_again() -> int:
            imp = actions.import_file(path, original_name=path.name, acting_user=user)
            again_params.update(visits_added=imp.visits_added, already_counted=imp.already_counted)
            return imp.rows

        def fill() -> None:
            # The runner empties the ledger around the first case: put the file's visits back, untimed.
            from unionserve.visits.models import ServedVisit

            if not ServedVisit.objects.exists():
                actions.import_file(path, original_name=path.name, acting_user=user)

        baselines = {}
        sqlite3 = shutil.which("sqlite3")
        if sqlite3:
            target = tmp / "swipe_baseline.sqlite3"

            def baseline() -> int:
                target.unlink(missing_ok=True)
                run_sampled([sqlite3, str(target), f".import --csv {path} swipes"])
                target.unlink(missing_ok=True)
                return rows

            baselines["sqlite3_cli"] = baseline
        return [
            Case("csv", run=run, kind="throughput", rows=rows, baselines=baselines, before_each=_clear_ledger,
                 count_queries=False, trace_memory=False, params=params),
            Case("csv_again", run=run_again, kind="throughput", rows=rows, count_queries=False, trace_memory=False,
                 before_each=fill, params=again_params),
        ]

    def teardown(self, ctx: Context) -> None:
        _clear_ledger()


def ensure_visits(n: int, seed: int, log) -> int:
    """n visits over RATES_YEAR spread over the register's members (loaded once, by fingerprint)."""
    from django.db import connection, transaction

    from bench.datagen.members_db import _meta
    from unionserve.members.models import Member
    from unionserve.visits.importing import insert_visits
    from unionserve.visits.models import ServedVisit

    expected = f"v1:seed={seed}:visits={n}:members={Member.objects.count()}"
    if _meta("visits_db") == expected and ServedVisit.objects.count() >= n * 0.95:
        return ServedVisit.objects.count()
    rng = random.Random(seed)  # noqa: S311 - deterministic benchmark data
    members = list(Member.objects.values_list("pk", "grassroots_id").order_by("pk"))
    start = dt.date(RATES_YEAR, 1, 1)
    services = [f"project:P{i:04d}" for i in range(1, PROJECTS + 1)] + ["hotline", "mediation", "legalaid"]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {ServedVisit._meta.db_table}")  # noqa: S608 - our table
        done, batch = 0, []
        for _i in range(n):
            pk, grassroots = members[rng.randrange(len(members))]
            service = rng.choice(services)
            batch.append((pk, start + dt.timedelta(days=rng.randrange(365)), service,
                          "swipe" if service.startswith("project:") else "platform", grassroots, "bench"))
            if len(batch) == 50_000:
                done += insert_visits(batch)
                batch = []
        done += insert_visits(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _meta("visits_db", expected)
    log(f"visits: {done:,}")
    return done


@register
class VisitRatesBench(Benchmark):
    name = "visit_rates"
    description = "The city's served-visit rates for a year of 2,000,000 visits, every unit, ranked (≤ 2 s)."

    def setup(self, ctx: Context) -> list[Case]:
        try:
            from unionserve.core.scope import scope_of
            from unionserve.orgs.models import OrgUnit
            from unionserve.visits import rates
        except Exception as exc:  # the app may be mid-edit
            raise Skip(f"visits does not import: {exc!r}") from exc
        from django.test import Client

        from bench.datagen.members_db import ensure_members

        ensure_members(ctx.scale, log=ctx.log)
        n = int(os.environ.get("BENCH_VISITS", 2_000_000))
        visits = ensure_visits(n, ctx.scale.seed, ctx.log)
        user = _city_user()
        scope = scope_of(user)

        def city() -> int:
            totals = rates.unit_totals(RATES_YEAR, scope)
            target = rates.target_for(RATES_YEAR)
            judged = list(scope.filter(OrgUnit.objects.filter(kind__in=rates.JUDGED_KINDS)))
            ranked = rates.rows_for(judged, totals, target.percent if target else None)
            rates.monthly(RATES_YEAR, scope)
            return len(ranked)

        client = Client()
        client.force_login(user)

        def page() -> int:
            response = client.get(f"/visits/?level=2&year={RATES_YEAR}")
            assert response.status_code == 200, response.status_code
            return len(response.content)

        params = {"visits": visits, "members": ctx.scale.members, "units": ctx.scale.units}
        return [
            Case("city", run=city, target_ms=RATES_TARGET_MS, repeat=min(ctx.repeat, 10), warmup=min(ctx.warmup, 1),
                 params=params),
            Case("page", run=page, target_ms=RATES_TARGET_MS, repeat=min(ctx.repeat, 10), warmup=min(ctx.warmup, 1),
                 params=params),
        ]
