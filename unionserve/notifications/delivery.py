"""Delivering the outbox: claim due rows, send each through its channel's backend, record the outcome.

Claiming makes a row belong to one worker (status "sending" with that worker's claim token) before anything
is sent, so two workers running at once never send the same row. A worker that dies leaves its claim
behind; after STALE_CLAIM the row goes back to the queue.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from .backends import Backend, PermanentDeliveryError, backend_for
from .models import Channel, Notification, Status

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Wait after the 1st, 2nd, 3rd, 4th failed attempt; the 5th failure is final.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(minutes=120))
# A worker hands back what it has not sent after this long, so a slow gateway cannot hold rows for hours…
CLAIM_BUDGET = timedelta(minutes=5)
# …and a claim older than this belongs to a worker that died (budget + one gateway timeout, with margin).
STALE_CLAIM = timedelta(minutes=15)
# Results of backends without side effects (in-app) are written in groups; others row by row, so a crash
# leaves at most one external message in doubt.
FLUSH_EVERY = 200
DEFAULT_SMS_RATE_PER_MINUTE = 600


@dataclass
class DeliveryResult:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    released: int = 0
    recovered: int = 0


def backoff_after(attempts: int) -> timedelta:
    """How long to wait before the next try after `attempts` failed ones."""
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def sms_rate_per_minute() -> int:
    return int(getattr(settings, "UNIONSERVE_SMS_RATE_PER_MINUTE", DEFAULT_SMS_RATE_PER_MINUTE))


def sms_budget(now: datetime) -> int:
    """How many SMS may still be sent now: the rate minus those sent in the last minute and those in flight."""
    recent = Notification.objects.filter(channel=Channel.SMS, sent_at__gt=now - timedelta(minutes=1)).count()
    in_flight = Notification.objects.filter(status=Status.SENDING, channel=Channel.SMS).count()
    return max(0, sms_rate_per_minute() - recent - in_flight)


def claim(due: QuerySet, limit: int | Callable[[], int], token: str, now: datetime) -> list[Notification]:
    """Take up to `limit` rows of `due` for this worker (status "sending", claim_token=token) and return them.

    `limit` may be a callable, evaluated inside the claiming transaction (the SMS budget: on SQLite the
    transaction is BEGIN IMMEDIATE, so two workers cannot both spend the same budget).
    """
    with transaction.atomic():
        count = limit() if callable(limit) else limit
        if count <= 0:
            return []
        candidates = due.order_by("priority", "next_attempt_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            # PostgreSQL: workers pass over each other's locked rows instead of queueing behind them.
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:count])
        if not ids:
            return []
        # The conditional UPDATE is the claim on every database: a row another worker took in the meantime
        # no longer matches status=pending, so it is not taken twice.
        Notification.objects.filter(pk__in=ids, status=Status.PENDING).update(
            status=Status.SENDING, claimed_at=now, claim_token=token
        )
    return list(Notification.objects.filter(pk__in=ids, claim_token=token).order_by("priority", "next_attempt_at"))


def recover_stale_claims(now: datetime) -> int:
    """Put rows claimed by a worker that died back in the queue."""
    return Notification.objects.filter(status=Status.SENDING, claimed_at__lt=now - STALE_CLAIM).update(
        status=Status.PENDING, claim_token="", claimed_at=None,
        last_error="The worker that claimed this message stopped before finishing; queued again.",
    )


def _mark_sent(ids: list[int], token: str) -> None:
    if ids:
        Notification.objects.filter(pk__in=ids, claim_token=token).update(
            status=Status.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, claim_token="", claimed_at=None
        )
        ids.clear()


def _mark_failed_attempt(row: Notification, exc: Exception, token: str, *, permanent: bool) -> bool:
    """Record a failed attempt; schedule the next one with backoff. Returns True when the row is now failed."""
    attempts = row.attempts + 1
    final = permanent or attempts >= MAX_ATTEMPTS
    now = timezone.now()
    Notification.objects.filter(pk=row.pk, claim_token=token).update(
        status=Status.FAILED if final else Status.PENDING,
        attempts=attempts,
        next_attempt_at=row.next_attempt_at if final else now + backoff_after(attempts),
        last_error=f"{type(exc).__name__}: {exc}"[:2000],
        claim_token="", claimed_at=None,
    )
    return final


def _release(rows: list[Notification], token: str) -> int:
    return Notification.objects.filter(pk__in=[r.pk for r in rows], claim_token=token, status=Status.SENDING).update(
        status=Status.PENDING, claim_token="", claimed_at=None
    )


def deliver_due(batch: int = 500) -> DeliveryResult:
    """Send up to `batch` due rows once: claim, send through the backends, record sent/retry/failed."""
    now = timezone.now()
    result = DeliveryResult(recovered=recover_stale_claims(now))
    token = uuid.uuid4().hex
    due = Notification.objects.filter(status=Status.PENDING, next_attempt_at__lte=now)
    rows = claim(due.exclude(channel=Channel.SMS), batch, token, now)
    # SMS are rate-limited overall (the gateway's contract): only as many as the last minute leaves room for.
    rows += claim(due.filter(channel=Channel.SMS), lambda: min(batch - len(rows), sms_budget(now)), token, now)
    result.claimed = len(rows)

    backends: dict[str, Backend] = {}
    sent: list[int] = []
    started = time.monotonic()
    for index, row in enumerate(rows):
        if time.monotonic() - started > CLAIM_BUDGET.total_seconds():
            _mark_sent(sent, token)
            result.released = _release(rows[index:], token)
            break
        backend: Backend | None = None
        try:
            backend = backends.get(row.channel) or backends.setdefault(row.channel, backend_for(row.channel))
            backend.send(row)
        except Exception as exc:  # noqa: BLE001 - any backend error (or missing configuration) must not strand claimed rows
            logger.warning("notification %s (%s) not sent: %s", row.pk, row.channel, exc)
            if _mark_failed_attempt(row, exc, token, permanent=isinstance(exc, PermanentDeliveryError)):
                result.failed += 1
            else:
                result.retrying += 1
            continue
        sent.append(row.pk)
        result.sent += 1
        if backend.has_side_effects or len(sent) >= FLUSH_EVERY:
            _mark_sent(sent, token)
    _mark_sent(sent, token)
    return result
