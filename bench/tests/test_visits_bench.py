"""The served-visit benchmarks at tiny size (SQLite in the test database)."""

from __future__ import annotations

import pytest

from bench.datagen.generate import Scale
from bench.harness import runner
from bench.harness.database import load_dataset
from bench.harness.registry import Context

TINY = Scale(seed=7, members=3000, units=600, cases=300, users=40, xlsx_members=300)


@pytest.mark.django_db
def test_swipe_import_and_visit_rates_benchmarks(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_SWIPE_ROWS", "2000")
    monkeypatch.setenv("BENCH_VISITS", "3000")
    load_dataset(TINY, log=lambda _m: None)
    ctx = Context(scale=TINY, db="test", work_dir=tmp_path, repeat=2, warmup=1, processes=1, log=lambda _m: None)
    doc = runner.run(["swipe_import", "visit_rates"], ctx, isolate=False, dataset={})
    swipe, rates = doc["benchmarks"]
    assert swipe["status"] == "ok", swipe.get("traceback") or swipe
    csv_case, again = swipe["cases"]
    assert csv_case["params"]["visits_added"] > 1500 and csv_case["params"]["error_rows"] > 0, csv_case
    assert again["params"]["visits_added"] == 0
    assert rates["status"] == "ok", rates
    assert {c["name"] for c in rates["cases"]} == {"city", "page"}
