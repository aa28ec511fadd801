"""Every benchmark runs at a tiny size, so the harness never rots. Keep this file fast (seconds)."""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest

from bench.datagen.generate import Scale, generate_dataset
from bench.harness import report, runner
from bench.harness.database import load_dataset
from bench.harness.registry import Context, discover

TINY = Scale(seed=7, members=3000, units=600, cases=300, users=40, xlsx_members=300)
DB_BENCHMARKS = ["org_subtree", "page_org_detail", "page_user_list", "workdays", "station_reports"]
IMPORT_BENCHMARKS = ["member_import", "member_import_xlsx"]
WORKFLOW_BENCHMARKS = ["inbox_station", "inbox_district", "sweep"]  # run in test_workflow_bench.py
HOTLINE_BENCHMARKS = ["hotline_lookup", "hotline_statistics", "hotline_pages", "hotline_load"]
KNOWLEDGE_BENCHMARKS = ["knowledge_suggest"]  # run in unionserve/knowledge/tests/test_bench.py
PAYOUT_BENCHMARKS = ["payout_file"]  # run in unionserve/payouts/tests/test_bench.py
MUTUALAID_BENCHMARKS = ["medical_batch"]
VISITS_BENCHMARKS = ["swipe_import", "visit_rates"]  # run in bench/tests/test_visits_bench.py


@pytest.fixture
def ctx(tmp_path):
    return Context(scale=TINY, db="test", work_dir=tmp_path, repeat=3, warmup=1, processes=1, log=lambda _m: None)


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_benchmark_is_covered_here():
    assert set(discover()) == {*DB_BENCHMARKS, "datagen_members", "csv_import_baseline", "quality_rates",
                               "member_lookup", "nomination_list", *IMPORT_BENCHMARKS, *WORKFLOW_BENCHMARKS,
                               *HOTLINE_BENCHMARKS, *KNOWLEDGE_BENCHMARKS, *PAYOUT_BENCHMARKS, *MUTUALAID_BENCHMARKS,
                               *VISITS_BENCHMARKS}


def test_generated_files_are_deterministic_whatever_the_processes(tmp_path):
    one = generate_dataset(TINY, tmp_path / "one", processes=1, log=lambda _m: None)
    generate_dataset(TINY, tmp_path / "two", processes=2, log=lambda _m: None)
    for name in ("members.csv", "units.csv", "cases.csv"):
        assert _digest(tmp_path / "one" / name) == _digest(tmp_path / "two" / name), name
    assert one["files"]["members_csv"]["rows"] == TINY.members
    head = (tmp_path / "one" / "members.csv").read_text(encoding="utf-8")[:20]
    assert head.startswith("\ufeff姓名,身份证号,性别")
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "two" / "members.xlsx", read_only=True)
    assert wb.sheetnames == ["会员"]
    assert next(wb["会员"].iter_rows(max_row=1, values_only=True))[0] == "姓名"


def test_xlsx_splits_sheets(tmp_path):
    from openpyxl import load_workbook

    from bench.datagen.writers import write_xlsx

    path = tmp_path / "x.xlsx"
    assert write_xlsx(path, ["a"], ([str(i)] for i in range(5)), title="会员", sheet_rows=2) == 5
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == ["会员", "会员2", "会员3"]


@pytest.mark.django_db
def test_database_benchmarks_run_at_tiny_size(ctx, tmp_path, monkeypatch):
    monkeypatch.setattr("bench.benchmarks.workdays.CALLS", 300)
    counts = load_dataset(TINY, log=lambda _m: None)
    assert counts["org_units"] == TINY.units
    doc = runner.run(DB_BENCHMARKS, ctx, isolate=False, dataset=counts)
    by_name = {b["name"]: b for b in doc["benchmarks"]}
    for name in DB_BENCHMARKS:
        assert by_name[name]["status"] in ("ok", "skipped"), by_name[name]
    assert by_name["org_subtree"]["status"] == "ok"
    for case in by_name["org_subtree"]["cases"]:
        assert all(b["same_result"] for b in case["baselines"]), case
        assert case["stats"]["n"] == 3 and case["queries"] == 1
    for name in ("page_org_detail", "page_user_list"):
        assert by_name[name]["status"] == "ok", by_name[name]
        assert all(c["params"]["bytes"] > 1000 for c in by_name[name]["cases"])
    path = runner.write_results(doc, tmp_path / "r.json")
    assert json.loads(path.read_text(encoding="utf-8"))["environment"]["django"]
    assert "org_subtree" in report.markdown([doc]) and "org_subtree" in report.text(doc)


def test_datagen_benchmark_runs(ctx):
    entry = runner.run_benchmark("datagen_members", ctx, with_db=False)
    assert entry["status"] == "ok", entry.get("traceback") or entry
    assert [c["name"] for c in entry["cases"]] == ["csv", "xlsx"]
    assert entry["cases"][0]["stats"]["rows"] == TINY.members


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 shell is not installed")
def test_csv_import_baseline_runs(ctx):
    entry = runner.run_benchmark("csv_import_baseline", ctx, with_db=False)
    assert entry["status"] == "ok", entry.get("traceback") or entry
    assert entry["cases"][0]["stats"]["rows"] == TINY.members


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 shell is not installed")
@pytest.mark.django_db(transaction=True)
def test_member_import_benchmarks_run(ctx, monkeypatch, settings, tmp_path):
    """The import benchmarks at tiny size, on the test database (instead of a fresh one of their own)."""
    from bench.benchmarks import member_import

    settings.MEDIA_ROOT = tmp_path / "media"

    def fresh(c):
        load_dataset(TINY, log=lambda _m: None)
        return "test"

    monkeypatch.setattr(member_import, "use_fresh_database", fresh)
    entry = runner.run_benchmark("member_import", ctx, with_db=False)
    assert entry["status"] == "ok", entry.get("traceback") or entry
    csv_case, again = entry["cases"]
    assert csv_case["params"]["created"] == TINY.members and again["params"]["unchanged"] == TINY.members
    assert csv_case["baselines"][0]["name"] == "sqlite3_cli"
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    entry = runner.run_benchmark("member_import_xlsx", ctx, with_db=False)
    assert entry["status"] == "ok", entry.get("traceback") or entry
    assert [c["name"] for c in entry["cases"]] == ["xlsx", "xlsx_excel"]
    assert [c["params"]["created"] for c in entry["cases"]] == [TINY.members, TINY.members]


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 shell is not installed")
@pytest.mark.django_db
def test_medical_batch_benchmark_runs(ctx, monkeypatch):
    """The quarterly medical batch at tiny size: 300 lines over the tiny register."""
    monkeypatch.setenv("BENCH_MEDICAL_LINES", "300")
    load_dataset(TINY, log=lambda _m: None)
    entry = runner.run_benchmark("medical_batch", ctx, with_db=False)
    assert entry["status"] == "ok", entry.get("traceback") or entry
    case = entry["cases"][0]
    assert case["params"]["lines"] == 300 and case["baselines"][0]["name"] == "sqlite3_cli"


@pytest.mark.django_db
def test_hotline_benchmarks_run_at_tiny_size(ctx, monkeypatch):
    """The past-requests loader, the lookup, statistics and everyday pages; the load benchmark skips on the test
    database."""
    from bench.benchmarks import hotline
    from bench.datagen import hotline_db
    from unionserve.hotline.models import HotlineRequest
    from unionserve.members.tests.factories import make_member
    from unionserve.orgs.models import OrgUnit, UnitKind
    from unionserve.workflow.models import Case as WorkflowCase

    load_dataset(TINY, log=lambda _m: None)
    grassroots = OrgUnit.objects.filter(kind=UnitKind.GRASSROOTS).order_by("pk")
    for i, unit in enumerate(grassroots[:3]):
        make_member(unit, f"张{i}", phone=f"1380000000{i}")
    monkeypatch.setattr(hotline, "REQUESTS", 400)
    monkeypatch.setattr(hotline_db, "COMMIT_EVERY", 150)
    workorders = WorkflowCase.objects.exclude(process__in=hotline_db.PROCESSES).count()
    doc = runner.run([*HOTLINE_BENCHMARKS], ctx, isolate=False)
    by_name = {b["name"]: b for b in doc["benchmarks"]}
    assert by_name["hotline_lookup"]["status"] == "ok", by_name["hotline_lookup"]
    assert [c["name"] for c in by_name["hotline_lookup"]["cases"]] == ["by_mobile", "by_id_number", "by_name_prefix"]
    assert by_name["hotline_statistics"]["status"] == "ok", by_name["hotline_statistics"].get("traceback")
    assert by_name["hotline_pages"]["status"] == "ok", by_name["hotline_pages"].get("traceback")
    assert [c["name"] for c in by_name["hotline_pages"]["cases"]] == [
        "workbench", "requests_agent", "requests_agent_open", "requests_agent_by_number", "requests_district",
        "request_page", "case_page"]
    assert by_name["hotline_load"]["status"] == "skipped"
    assert HotlineRequest.objects.count() == 400
    summary = hotline_db.ensure_requests(TINY, 400, log=lambda _m: None)
    assert not summary["loaded_now"] and summary["affairs"] + summary["consultations"] == 400
    # Deterministic: the same seed gives the same rows; clearing leaves other processes' cases alone.
    first = list(HotlineRequest.objects.order_by("pk").values_list("kind", "channel", "category_id", "received_at"))
    hotline_db.ensure_requests(TINY, 400, force=True, log=lambda _m: None)
    again = list(HotlineRequest.objects.order_by("pk").values_list("kind", "channel", "category_id", "received_at"))
    assert again == first
    assert WorkflowCase.objects.exclude(process__in=hotline_db.PROCESSES).count() == workorders


@pytest.mark.django_db(transaction=True)
def test_hotline_load_client_against_a_live_server(live_server):
    """The open-loop client creates requests through the API (a few, at the target rate)."""
    from urllib.parse import urlparse

    from bench.benchmarks import hotline, hotline_load
    from unionserve.accounts.models import ApiToken
    from unionserve.hotline.models import HotlineRequest
    from unionserve.hotline.tests.test_statistics import ensure_categories
    from unionserve.orgs.models import OrgUnit, UnitKind

    load_dataset(TINY, log=lambda _m: None)
    ensure_categories()  # a transactional test before this one may have flushed the seeded categories
    _t, key = ApiToken.issue(hotline.agent_user(), "smoke")
    stations = list(OrgUnit.objects.filter(kind=UnitKind.STATION, region_parent__kind=UnitKind.DISTRICT_CENTER)
                    .values_list("code", "region_parent__code")[:3])
    bodies = hotline_load.payloads(1, stations, ["LDGX02", "ZCZX01"], 6)
    result = hotline_load.run_load(urlparse(live_server.url).port, key, bodies, 20, threads=2)
    summary = result.summary()
    assert summary["ok"] == 6, summary
    assert HotlineRequest.objects.count() == 6 and summary["p99_ms"] > 0
