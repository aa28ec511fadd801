"""The workflow dataset (bench/datagen/cases_db.py) and benchmarks (bench/benchmarks/workflow.py) at a tiny size."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bench.datagen.generate import Scale
from bench.harness import runner
from bench.harness.database import load_dataset
from bench.harness.registry import Context

TINY = Scale(seed=7, members=3000, units=600, cases=300, users=40, xlsx_members=300, workflow_cases=2000)
WORKFLOW_BENCHMARKS = ["inbox_station", "inbox_district", "sweep"]
ANCHOR = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Thursday afternoon


def _quiet(_msg: str) -> None:
    pass


def _digest() -> tuple:
    from unionserve.workflow.models import Case, CaseAccess, CaseEvent, Step

    return (
        list(Case.objects.order_by("id").values_list("number", "state", "owner_unit", "current_unit", "opened_at",
                                                     "due_at", "closed_at", "version")),
        list(Step.objects.order_by("id").values_list("case", "unit", "dispatcher_unit", "status", "is_open",
                                                     "due_at", "signed_at", "completed_at", "deadline")),
        CaseAccess.objects.count(), CaseEvent.objects.count(),
    )


@pytest.mark.django_db
def test_cases_load_and_benchmarks_run_at_tiny_size(tmp_path, monkeypatch):
    """One test: seeding the org tree is the slow part, done once."""
    load_dataset(TINY, log=_quiet)
    _check_cases_follow_the_engine_and_load_deterministically()
    _check_benchmarks_run(tmp_path, monkeypatch)


def _check_cases_follow_the_engine_and_load_deterministically() -> None:
    from django.db.models import Count, Min
    from django.utils import timezone

    from bench.datagen.cases_db import ensure_cases
    from unionserve.workflow.models import OPEN_STATUSES, AccessKind, Case, CaseAccess, CaseEvent, CaseSequence, Step
    from unionserve.workorders.models import WorkOrder

    summary = ensure_cases(TINY, anchor=ANCHOR, log=_quiet)
    assert summary["loaded_now"] and summary["cases"] == 2000 == Case.objects.count() == WorkOrder.objects.count()
    assert 300 < summary["open_cases"] < 500
    assert ensure_cases(TINY, log=_quiet)["loaded_now"] is False  # fingerprint and counts match: skipped
    first = _digest()
    assert ensure_cases(TINY, anchor=ANCHOR, force=True, log=_quiet)["loaded_now"]
    assert _digest() == first  # same seed, size, tree and anchor: the same rows

    assert all(re.fullmatch(r"GD\d{8}-\d{4}", n) for n in Case.objects.values_list("number", flat=True))
    for case in Case.objects.filter(id__in=Case.objects.order_by("id").values("id")[:200]).prefetch_related("steps"):
        day = timezone.localtime(case.opened_at).strftime("%Y%m%d")
        assert case.number[2:10] == day and case.process == "workorder" and case.opened_at < ANCHOR
        steps = sorted(case.steps.all(), key=lambda s: s.id)
        assert steps[0].state == "new" and steps[0].status == "done" and steps[0].unit_id == case.owner_unit_id
        work = [s for s in steps if s.state == "handling"]
        assert work and all(s.dispatcher_unit_id == case.owner_unit_id for s in work)
        assert all(s.is_open == (s.status in OPEN_STATUSES) for s in steps)
        assert all(timezone.localtime(s.due_at).time() == dt.time.max for s in steps)  # 24:00 of the due day
        assert all(s.deadline["rule"] == "working_days" and s.deadline["due_date"] in s.deadline["deadline"]
                   for s in steps)
        if case.closed_at is None:
            assert case.state == "handling" and all(s.is_open for s in work)
            assert case.current_unit_id == work[0].unit_id and case.due_at == work[0].due_at
            assert all(not s.overdue and not s.due_soon_notified for s in work)
        else:
            assert case.state == "closed" and not any(s.is_open for s in steps) and case.closed_at < ANCHOR
            assert all(s.completed_at and s.completed_at <= case.closed_at for s in steps)
    assert set(CaseEvent.objects.values_list("action", flat=True)) == {"opened", "dispatch"}
    assert CaseEvent.objects.count() == 2 * 2000
    kinds = dict(CaseAccess.objects.values_list("kind").annotate(n=Count("id")))
    assert kinds[AccessKind.OWNER] == 2000 and kinds[AccessKind.HANDLER] >= 2000 and kinds[AccessKind.FILED] > 600
    assert set(Step.objects.filter(is_open=True).values_list("unit__kind", flat=True)) <= {"station", "district",
                                                                                             "dev_area"}
    sequences = dict(CaseSequence.objects.values_list("day", "last"))
    opened = Case.objects.values_list("number", flat=True)
    assert sum(sequences.values()) == len(opened)
    open_steps = Step.objects.filter(is_open=True)
    overdue = open_steps.filter(due_at__lt=ANCHOR).count() / open_steps.count()
    assert 0.04 < overdue < 0.2
    assert open_steps.aggregate(m=Min("created_at"))["m"] < ANCHOR


def _check_benchmarks_run(tmp_path, monkeypatch) -> None:
    from unionserve.notifications.models import Notification
    from unionserve.workflow.models import CaseEvent, Step

    monkeypatch.setattr("bench.benchmarks.workflow.SWEEP_REPEAT", 1)
    ctx = Context(scale=TINY, db="test", work_dir=tmp_path, repeat=1, warmup=0, processes=1, log=_quiet)
    doc = runner.run(WORKFLOW_BENCHMARKS, ctx, isolate=False)
    by_name = {b["name"]: b for b in doc["benchmarks"]}
    for name in WORKFLOW_BENCHMARKS:
        assert by_name[name]["status"] == "ok", by_name[name]
    station = {c["name"]: c for c in by_name["inbox_station"]["cases"]}
    assert set(station) == {"page_max", "queries_max", "page_avg", "queries_avg"}
    assert 0 < station["page_max"]["params"]["station_open_steps"] <= station["page_max"]["params"]["max_open_steps"]
    assert station["queries_max"]["queries"] == 4  # first page, then counts: steps, watching, filed
    district = {c["name"]: c for c in by_name["inbox_district"]["cases"]}
    assert set(district) == {"page", "queries", "page_watching", "page_filed"}
    counts = district["page"]["params"]["counts_at_anchor"]
    assert counts["watching"] > 0 and counts["filed"] > 0
    sweep = by_name["sweep"]["cases"][0]
    assert sweep["stats"]["n"] == 1 and sweep["params"]["marked_overdue"] > 0
    assert sweep["params"]["notifications_total"] > 0
    # Teardown undid the sweep: nothing flagged, no overdue events, no notifications left.
    assert not Step.objects.filter(is_open=True, overdue=True).exists()
    assert not CaseEvent.objects.filter(action="overdue").exists()
    assert not Notification.objects.filter(event__startswith="case.").exists()
