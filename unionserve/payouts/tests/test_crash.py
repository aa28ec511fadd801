"""Killed half-way (SIGKILL) while building a batch or applying the bank's result, a re-run completes the work and
pays nothing twice. The management commands run in a subprocess on the test database; a test hook
(PAYOUTS_PAUSE_AFTER) makes them sleep after N rows committed, and the test kills them there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from unionserve.notifications.models import Notification
from unionserve.payouts import actions
from unionserve.payouts.models import BatchLine, BatchStatus, LineOutcome, Payment, PaymentStatus, PayoutBatch
from unionserve.visits.public import ServedVisit

from .helpers import result_file

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db(transaction=True)


def _test_database_url() -> str:
    """The URL of the test database this test writes to, for the subprocess (SQLite file or PostgreSQL)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start(*args: str) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "unionserve.settings.test",
           "DATABASE_URL": _test_database_url(),
           "PAYOUTS_CHUNK": "4", "PAYOUTS_PAUSE_AFTER": "8", "PAYOUTS_PAUSE_SECONDS": "120"}
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def _kill_when(process: subprocess.Popen, reached, timeout: float = 180) -> None:
    """SIGKILL the process once `reached()` is true (it is then asleep in the hook, between two chunks)."""
    deadline = time.monotonic() + timeout
    try:
        while not reached():
            if process.poll() is not None:
                err = process.stderr.read().decode() if process.stderr else ""
                raise AssertionError(f"the command ended early: {err[-2000:]}")
            if time.monotonic() > deadline:
                raise AssertionError("the command did not reach the pause in time")
            time.sleep(0.2)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def test_kill_during_build_and_during_apply_then_rerun(tree, members, ask, office, tmp_path):
    for i in range(1, 21):
        member = members["a"] if i % 2 else members["b"]
        ask(member, f"{i}.{i % 100:02d}", key=f"mutualaid:claim:{i}")
    expected_total = sum(Payment.objects.values_list("amount", flat=True), Decimal("0.00"))

    # Build: killed after 8 of 20 lines.
    _kill_when(_start("payouts_build_batch", "--purpose", "mutualaid.claim", "--user", "insurance"),
               lambda: BatchLine.objects.count() >= 8)
    batch = PayoutBatch.objects.get()
    assert batch.built_at is None and BatchLine.objects.count() == 8
    assert Payment.objects.filter(status=PaymentStatus.IN_BATCH).count() == 8
    # The re-run resumes the same batch and adds the 12 others, each payment once.
    call_command("payouts_build_batch", "--purpose", "mutualaid.claim", "--user", "insurance",
                 "--out", str(tmp_path / "payout.csv"))
    batch.refresh_from_db()
    assert PayoutBatch.objects.count() == 1 and batch.built_at is not None and batch.status == BatchStatus.SENT
    assert (batch.line_count, batch.total) == (20, expected_total)
    assert sorted(batch.lines.values_list("seq", flat=True)) == list(range(1, 21))
    assert batch.lines.values("payment").distinct().count() == 20
    assert (tmp_path / "payout.csv").read_text(encoding="utf-8").splitlines()[-1] == f"TRAILER,20,{expected_total}"

    # Apply: killed after 8 of 20 lines settled (3 failed among all).
    failed = {f"mutualaid:claim:{i}": "账户冻结" for i in (3, 11, 17)}
    result = tmp_path / "result.csv"
    result.write_bytes(result_file(batch, failed))
    _kill_when(_start("payouts_apply_result", "--batch", batch.number, "--file", str(result), "--user",
                      "insurance"), lambda: BatchLine.objects.exclude(outcome=LineOutcome.SENT).count() >= 8)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SENT and batch.result_sha256
    assert BatchLine.objects.exclude(outcome=LineOutcome.SENT).count() == 8
    sms_before = Notification.objects.filter(event="payouts.paid").count()
    assert sms_before == BatchLine.objects.filter(outcome=LineOutcome.PAID).count()
    # The re-run settles the 12 left; then a third run changes nothing.
    call_command("payouts_apply_result", "--batch", batch.number, "--file", str(result), "--user", "insurance")
    call_command("payouts_apply_result", "--batch", batch.number, "--file", str(result), "--user", "insurance")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SETTLED
    paid = Payment.objects.filter(status=PaymentStatus.PAID)
    assert paid.count() == 17 and Payment.objects.filter(status=PaymentStatus.FAILED).count() == 3
    assert sum(Payment.objects.filter(status__in=[PaymentStatus.PAID, PaymentStatus.FAILED])
               .values_list("amount", flat=True), Decimal("0.00")) == expected_total
    # One SMS per paid payment (never two), one served visit per member and day.
    assert Notification.objects.filter(event="payouts.paid").count() == 17
    assert Notification.objects.filter(event="payouts.paid").values("dedupe_key").distinct().count() == 17
    assert ServedVisit.objects.count() == 2
    assert actions.is_balanced(actions.reconcile(batch))
    assert batch.result_paid_total + batch.result_failed_total == expected_total == Decimal(batch.total)
