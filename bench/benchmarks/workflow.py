"""``inbox_station``, ``inbox_district``, ``sweep``: the workflow engine over 1,000,000 work-order cases (issue 4).

Targets (issue 4): a station's inbox first page and counts p95 ≤ 50 ms, a district's ≤ 100 ms; the overdue
sweep over ~200,000 open steps ≤ 10 s; on SQLite and PostgreSQL. The cases come from
``bench.datagen.cases_db`` (loaded once, cached by fingerprint).

- ``inbox_station``: for the street station with the most open steps (``*_max``) and the one nearest the mean
  (``*_avg``), as a user of that station: ``GET /work/`` through django.test.Client, in process (sessions,
  scope, the paginated first page, the tab counts, the navigation badge, the template), and the raw
  queries alone: ``inbox.steps_for(unit, "todo")`` with the view's ``select_related`` and order, first 25
  rows, plus ``inbox.counts(unit)``.
- ``inbox_district``: the same for the district center with the most stations (朝阳, user ``bench_district``):
  its own to-do steps, counts with "watching" (open steps it dispatched) and "filed" (open cases it holds a
  filing copy of); also the "watching" and "filing copies" tabs' pages, which a district user opens next.
- ``sweep``: ``unionserve.workflow.sweep.sweep(now)`` at the dataset's anchor over all open steps, none of
  them flagged yet (the first sweep after the data was loaded, or after a long outage: the worst case; a
  sweep every 5 minutes in steady state finds a few). Between repetitions the flags it set, its "overdue"
  events and its notifications are removed. Delivery of the notifications is the outbox worker's job
  (``deliver_pending`` through the Redis broker in production); without a broker the dev settings run it
  eagerly inside the sweep's commits, so here ``notifications.api.schedule_delivery`` is replaced by a
  counter: the time is the sweep's own (marking, events, building and inserting the notification rows).

The raw queries and the sweep use the dataset's anchor as "now"; the pages use the real now (the same
rows are read: the counts aggregate all the unit's open steps either way).
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from bench.harness.registry import Benchmark, Case, Context, Skip, register

STATION_TARGET_MS = 50.0
DISTRICT_TARGET_MS = 100.0
SWEEP_TARGET_MS = 10_000.0
SWEEP_REPEAT = 5
PAGE = 25  # unionserve.workflow.views.PAGE
#: What the sweep notifies with: one message per step (before cde0830) or one digest per unit and run (since).
SWEEP_EVENTS = ("case.overdue", "case.due_soon", "steps.overdue", "steps.due_soon")


def _cases(ctx: Context) -> tuple[dict, dt.datetime]:
    """The workflow dataset (loaded when missing) and its anchor."""
    from bench.datagen.cases_db import dataset_anchor, ensure_cases

    try:
        import unionserve.workflow.inbox
        import unionserve.workorders.process  # noqa: F401
    except Exception as exc:  # the app may be mid-edit
        raise Skip(f"the workflow app does not import: {exc!r}") from exc
    summary = ensure_cases(ctx.scale, log=ctx.log)
    anchor = dataset_anchor()
    if anchor is None or not summary.get("open_steps"):
        raise Skip("no open workflow steps in the benchmark database")
    return summary, anchor


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _get(client, url: str):
    def run() -> int:
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"GET {url} answered {response.status_code}")
        return len(response.content)

    return run


def inbox_queries(unit_id: int, now: dt.datetime):
    """The inbox's own queries: the first page of "to do" as the view selects it, and the tab counts."""
    from unionserve.workflow import inbox

    def run() -> tuple[list[int], dict[str, int]]:
        qs = inbox.steps_for(unit_id, "todo", now).select_related("case", "unit", "dispatcher_unit")
        page = list(qs.order_by("due_at", "id")[:PAGE])
        return [s.pk for s in page], inbox.counts(unit_id, now)

    return run


def _unit_params(unit, anchor: dt.datetime) -> dict[str, Any]:
    from django.utils import timezone

    from unionserve.workflow import inbox

    return {"unit": unit.name, "unit_code": unit.code, "counts_at_anchor": inbox.counts(unit.pk, anchor),
            "anchor": anchor.isoformat(),
            "data_age_h": round((timezone.now() - anchor).total_seconds() / 3600, 1)}


def _inbox_cases(label: str, user, anchor: dt.datetime, target: float, extra: dict, tabs: tuple[str, ...] = ()
                 ) -> list[Case]:
    params = {**_unit_params(user.org_unit, anchor), "user": user.username, **extra}
    client = _client(user)
    cases = []
    for tab in ("", *tabs):
        url = f"/work/tab/{tab}/" if tab else "/work/"
        run = _get(client, url)
        name = f"page_{tab}_{label}" if tab else f"page_{label}"
        cases.append(Case(name.rstrip("_"), run=run, target_ms=target, params={**params, "url": url,
                                                                               "bytes": run()}))
    queries = inbox_queries(user.org_unit_id, anchor)
    first_page, _counts = queries()
    cases.insert(1, Case(f"queries_{label}".rstrip("_"), run=queries, target_ms=target,
                         params={**params, "rows": len(first_page)}))
    return cases


def _open_steps_by_station() -> list[tuple[int, int]]:
    """(unit id, open steps) of every street station with open steps, busiest first."""
    from django.db.models import Count

    from unionserve.orgs.models import UnitKind
    from unionserve.workflow.models import Step

    rows = (Step.objects.filter(is_open=True, unit__kind=UnitKind.STATION).values("unit")
            .annotate(n=Count("id")).values_list("unit", "n"))
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def _user_of(unit_id: int):
    from unionserve.accounts.models import User

    return (User.objects.select_related("org_unit").filter(org_unit_id=unit_id, is_active=True)
            .order_by("pk").first())


@register
class InboxStation(Benchmark):
    name = "inbox_station"
    description = "GET /work/ and the inbox queries (first page + counts) for the busiest and an average station."
    needs_workflow_cases = True

    def setup(self, ctx: Context) -> list[Case]:
        _summary, anchor = _cases(ctx)
        stations = _open_steps_by_station()
        if not stations:
            raise Skip("no station holds open steps")
        mean = sum(n for _u, n in stations) / len(stations)
        cases: list[Case] = []
        for label, order in (("max", stations), ("avg", sorted(stations, key=lambda r: (abs(r[1] - mean), r[0])))):
            user = next((u for unit_id, _n in order if (u := _user_of(unit_id)) is not None), None)
            if user is None:
                raise Skip("no station with open steps has a user")
            open_steps = dict(stations)[user.org_unit_id]
            cases += _inbox_cases(label, user, anchor, STATION_TARGET_MS, {
                "station_open_steps": open_steps, "stations_with_open_steps": len(stations),
                "mean_open_steps": round(mean, 1), "max_open_steps": stations[0][1]})
        return cases


@register
class InboxDistrict(Benchmark):
    name = "inbox_district"
    description = ("GET /work/ (and the watching and filing-copy tabs) and the inbox queries for the district "
                   "center with the most stations.")
    needs_workflow_cases = True

    def setup(self, ctx: Context) -> list[Case]:
        from unionserve.accounts.models import User

        _summary, anchor = _cases(ctx)
        user = User.objects.select_related("org_unit").filter(username="bench_district").first()
        if user is None:
            raise Skip("the user bench_district is missing: prepare the database first")
        return _inbox_cases("", user, anchor, DISTRICT_TARGET_MS, {}, tabs=("watching", "filed"))


def reset_sweep(anchor: dt.datetime) -> None:
    """Undo a sweep at ``anchor``: its flags on open steps, its "overdue" events, the notifications it wrote."""
    from django.db import connection, transaction
    from django.db.models import Q

    from unionserve.notifications.models import Notification
    from unionserve.workflow.models import CaseEvent, Step

    q = connection.ops.quote_name
    with transaction.atomic():
        Step.objects.filter(is_open=True).filter(Q(overdue=True) | Q(due_soon_notified=True)).update(
            overdue=False, due_soon_notified=False, overdue_at=None)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {q(CaseEvent._meta.db_table)} WHERE at = %s AND action = %s",  # noqa: S608
                           [connection.ops.adapt_datetimefield_value(anchor), "overdue"])
            marks = ", ".join(["%s"] * len(SWEEP_EVENTS))
            cursor.execute(f"DELETE FROM {q(Notification._meta.db_table)} WHERE event IN ({marks})",  # noqa: S608
                           list(SWEEP_EVENTS))
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # As autovacuum would between two sweeps minutes apart: no dead rows left from the last repetition.
        with connection.cursor() as cursor:
            for model in (Step, CaseEvent, Notification):
                cursor.execute(f"VACUUM {q(model._meta.db_table)}")


class _QueryCounter:
    """``connection.execute_wrapper`` that counts queries without keeping their SQL (the sweep inserts ~10⁵
    rows; CaptureQueriesContext would hold every statement's text)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


@register
class Sweep(Benchmark):
    name = "sweep"
    description = "workflow.sweep.sweep(now) over all open steps, none flagged yet (reset between repetitions)."
    needs_workflow_cases = True

    def setup(self, ctx: Context) -> list[Case]:
        from django.db import connection
        from django.db.models import Count

        from unionserve.notifications import api as notifications_api
        from unionserve.notifications.models import Notification
        from unionserve.workflow.models import Step
        from unionserve.workflow.sweep import sweep

        summary, anchor = _cases(ctx)
        self.anchor = anchor
        scheduled = {"delivery_runs": 0}

        def schedule_delivery() -> None:
            scheduled["delivery_runs"] += 1

        self.restore = (notifications_api, notifications_api.schedule_delivery)
        notifications_api.schedule_delivery = schedule_delivery
        reset_sweep(anchor)
        open_steps = Step.objects.filter(is_open=True).count()
        # The untimed first run also times notify_many (building and inserting the rows) within the sweep.
        counter = _QueryCounter()
        notify_many = notifications_api.notify_many
        in_notify = {"s": 0.0}

        def timed_notify_many(*args, **kwargs):
            t = time.perf_counter()
            try:
                return notify_many(*args, **kwargs)
            finally:
                in_notify["s"] += time.perf_counter() - t

        notifications_api.notify_many = timed_notify_many
        try:
            t0 = time.perf_counter()
            with connection.execute_wrapper(counter):
                report = sweep(anchor)
            first_s = time.perf_counter() - t0
        finally:
            notifications_api.notify_many = notify_many
        sweep_rows = Notification.objects.filter(event__in=SWEEP_EVENTS)
        written = {f"{e}/{c}": n for e, c, n in sweep_rows.values_list("event", "channel")
                   .annotate(n=Count("id")).order_by("event", "channel")}
        by_kind = {f"{e}/{k}": n for e, k, n in sweep_rows.values_list("event", "recipient_unit__kind")
                   .annotate(n=Count("id")).order_by("event", "recipient_unit__kind")}
        params = {
            "anchor": anchor.isoformat(), "open_steps": open_steps, "marked_overdue": report.overdue,
            "marked_due_soon": report.due_soon, "escalated": report.escalated,
            "notified_units": getattr(report, "notified_units", None), "notifications": written,
            "notifications_by_recipient_unit_kind": by_kind, "notifications_total": sum(written.values()),
            "queries": counter.n, "delivery_runs_scheduled": scheduled["delivery_runs"],
            "untimed_first_run_s": round(first_s, 2), "untimed_first_run_notify_many_s": round(in_notify["s"], 2),
            "cases": summary.get("cases"),
        }
        if not report.overdue and not report.due_soon:
            raise Skip("the sweep found nothing to mark")

        def run() -> tuple[int, int]:
            result = sweep(anchor)
            return result.overdue, result.due_soon

        return [Case("open_steps", run=run, repeat=SWEEP_REPEAT, warmup=0, before_each=lambda: reset_sweep(anchor),
                      target_ms=SWEEP_TARGET_MS, count_queries=False, trace_memory=False, params=params)]

    def teardown(self, ctx: Context) -> None:
        if hasattr(self, "anchor"):
            reset_sweep(self.anchor)
        if hasattr(self, "restore"):
            module, original = self.restore
            module.schedule_delivery = original
