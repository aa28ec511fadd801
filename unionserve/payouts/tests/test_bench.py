"""The payout-file benchmark at a tiny size, in the test database (the bench smoke tests list it)."""

from __future__ import annotations

import pytest

from bench.datagen.generate import Scale
from bench.harness import runner
from bench.harness.registry import Context

TINY = Scale(seed=7, members=3000, units=600, cases=300, users=40, xlsx_members=300)


@pytest.mark.django_db
def test_payout_file_benchmark_runs(tree, tmp_path, monkeypatch):
    from unionserve.payouts.models import BatchStatus, PayoutBatch

    monkeypatch.setenv("BENCH_PAYOUTS", "1200")
    ctx = Context(scale=TINY, db="test", work_dir=tmp_path, repeat=3, warmup=1, processes=1, log=lambda _m: None)
    doc = runner.run(["payout_file"], ctx, isolate=False, dataset={})
    bench = doc["benchmarks"][0]
    assert bench["status"] == "ok", bench
    case = bench["cases"][0]
    assert case["name"] == "write_1200" and all(b["same_result"] for b in case["baselines"]), case
    batch = PayoutBatch.objects.get(number="BENCH-1200")
    assert batch.status == BatchStatus.SENT and batch.file_count == 1200 and batch.file_total == batch.total
