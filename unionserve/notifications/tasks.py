"""Background delivery of the outbox (Celery; eager in the calling process without a broker)."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from .delivery import deliver_due


@shared_task(name="unionserve.notifications.deliver_pending")
def deliver_pending(batch: int = 500) -> dict[str, int]:
    """Deliver up to `batch` due notifications; go on in a new task when more are waiting.

    Rows waiting for a retry or for the SMS rate limit are picked up by the periodic run (celery beat, every
    minute) or by `manage.py deliver_notifications`.
    """
    result = deliver_due(batch)
    # Eager mode (no broker) would recurse here inside a web request: leave the rest to the periodic run.
    if result.claimed >= batch and not deliver_pending.app.conf.task_always_eager:
        deliver_pending.delay(batch)
    return asdict(result)


def schedule_delivery() -> None:
    """Start a delivery run (used with transaction.on_commit by those who queue rows)."""
    deliver_pending.delay()
