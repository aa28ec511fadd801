"""``station_reports``: the city's completeness and timeliness table of the stations' monthly reports, and a
station's page, over every station of the city with five years of monthly reports.

The reports are bulk-inserted once (``ensure_reports``: every active station × 60 months before the current
month, ~8% missing and ~10% late, deterministic), about 21,000 rows at Beijing's 349 stations. Cases:

- ``city_table``: ``stations.stats.rate_table`` for the city user, the current year and each of the past four
  (the page's one GROUP BY plus the stations' read). Target ≤ 1 s (issue 18).
- ``city_page``: ``GET /stations/reports/`` as the city user, rendered. Target ≤ 1 s.
- ``station_page``: ``GET /stations/<id>/?tab=reports`` of the busiest station as the city user. Target p95 ≤ 200 ms.
"""

from __future__ import annotations

import datetime as dt

from bench.harness.registry import Benchmark, Case, Context, Skip, register

TABLE_TARGET_MS = 1000.0
PAGE_TARGET_MS = 200.0
YEARS = 5


def ensure_reports(log=print) -> int:
    """Five years of monthly reports for every active station (idempotent: skipped when they are there)."""
    from django.utils import timezone

    from unionserve.core.units import UnitKind
    from unionserve.orgs.models import OrgUnit, UnitStatus
    from unionserve.stations import rules
    from unionserve.stations.models import MonthlyReport, ReportStatus

    stations = list(OrgUnit.objects.filter(kind=UnitKind.STATION, status=UnitStatus.ACTIVE).values_list("pk",
                                                                                                        flat=True))
    if MonthlyReport.objects.count() >= len(stations) * 12 * YEARS * 0.9:
        return MonthlyReport.objects.count()
    MonthlyReport.objects.all().delete()
    today = timezone.localdate()
    periods = []
    period = rules.month_start(today)
    for _i in range(12 * YEARS):
        period = rules.month_start(period - dt.timedelta(days=1))
        periods.append((period, *rules.due_day(period)))
    rows = []
    for s_i, pk in enumerate(stations):
        for p_i, (period, due, used) in enumerate(periods):
            roll = (s_i * 31 + p_i * 17) % 100
            if roll < 8:
                continue
            submitted = due + dt.timedelta(days=1 + roll % 5) if roll < 18 else due - dt.timedelta(days=roll % 3)
            rows.append(MonthlyReport(station_id=pk, period=period, due_on=due, due_policy=used,
                                      status=ReportStatus.APPROVED, figures={"activities": roll % 5},
                                      first_submitted_on=submitted))
    MonthlyReport.objects.bulk_create(rows, batch_size=2000)
    log(f"station_reports: {len(rows)} monthly reports for {len(stations)} stations")
    return len(rows)


@register
class StationReports(Benchmark):
    name = "station_reports"
    description = "Stations' report completeness/timeliness for the city (≤ 1 s) and a station page (p95 ≤ 200 ms)."

    def setup(self, ctx: Context) -> list[Case]:
        try:
            from django.test import Client
            from django.utils import timezone

            from unionserve.accounts.models import User
            from unionserve.stations import stats
            from unionserve.stations.models import MonthlyReport
        except Exception as exc:  # the app may be mid-edit
            raise Skip(f"stations does not import: {exc!r}") from exc
        rows = ensure_reports(ctx.log)
        user = User.objects.select_related("org_unit").filter(username="bench_city").first()
        if user is None:
            raise Skip("user bench_city is missing: prepare the database first")
        client = Client()
        client.force_login(user)
        year = timezone.localdate().year
        busiest = (MonthlyReport.objects.values_list("station_id", flat=True).order_by("station_id").first())
        if busiest is None:
            raise Skip("no station reports")

        def table() -> int:
            total = 0
            for y in range(year - YEARS + 1, year + 1):
                total += stats.rate_table(user, y).city_total.expected
            return total

        def one_year() -> int:
            return stats.rate_table(user, year - 1).city_total.expected

        def get(url: str):
            def run() -> int:
                response = client.get(url)
                if response.status_code != 200:
                    raise AssertionError(f"GET {url} answered {response.status_code}")
                return len(response.content)

            return run

        params = {"reports": rows, "years": YEARS}
        return [
            Case("city_table_year", run=one_year, target_ms=TABLE_TARGET_MS, params=params,
                 repeat=min(ctx.repeat, 20), warmup=min(ctx.warmup, 2)),
            Case("city_table_5_years", run=table, target_ms=TABLE_TARGET_MS * YEARS, params=params,
                 repeat=min(ctx.repeat, 10), warmup=min(ctx.warmup, 1)),
            Case("city_page", run=get(f"/stations/reports/?year={year - 1}"), target_ms=TABLE_TARGET_MS,
                 params=params, repeat=min(ctx.repeat, 20), warmup=min(ctx.warmup, 2)),
            Case("station_page", run=get(f"/stations/{busiest}/?tab=reports&year={year - 1}"),
                 target_ms=PAGE_TARGET_MS, params=params, repeat=ctx.repeat, warmup=ctx.warmup),
            Case("station_page_profile", run=get(f"/stations/{busiest}/"), target_ms=PAGE_TARGET_MS,
                 params=params, repeat=ctx.repeat, warmup=ctx.warmup),
        ]
