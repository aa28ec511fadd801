"""Background sending of broadcasts (Celery; eager in the calling process without a broker)."""

from __future__ import annotations

from celery import shared_task

from . import sending
from .models import Broadcast

#: Seconds between two windows (one minute: the rate is per minute).
WINDOW_SECONDS = 60


@shared_task(name="unionserve.broadcasts.send")
def send_broadcast(broadcast_id: int) -> dict[str, object]:
    """Queue the next window of a broadcast and schedule the next run a minute later while more remain.

    Without a broker (eager mode) there is no "later": all windows are queued now, each due a minute after the
    previous one, and `manage.py send_broadcasts` (or the next run) marks the broadcast done once delivered.
    """
    eager = bool(send_broadcast.app.conf.task_always_eager)
    step = sending.queue_window(broadcast_id)
    queued = step.queued
    while eager and step.more:
        step = sending.queue_window(broadcast_id)
        queued += step.queued
    done = sending.finish_if_delivered(broadcast_id)
    if not eager and (step.more or (step.status in Broadcast.OPEN and not done)):
        send_broadcast.apply_async((broadcast_id,), countdown=WINDOW_SECONDS)
    return {"broadcast": broadcast_id, "queued": queued, "more": step.more, "done": done}


def resume_open() -> list[dict[str, object]]:
    """Run every confirmed or sending broadcast once (the management command; a lost task resumes here)."""
    return [send_broadcast.run(pk) for pk in
            Broadcast.objects.filter(status__in=Broadcast.OPEN).order_by("pk").values_list("pk", flat=True)]
