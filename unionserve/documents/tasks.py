"""Celery tasks of the documents app (scheduled by beat: see CELERY_BEAT_SCHEDULE in settings)."""

from celery import shared_task


@shared_task(name="unionserve.documents.remove_orphans")
def remove_orphans() -> dict:
    """Delete stored PDFs of rolled-back actions (no document row points to them), a day after they were written."""
    from .cleanup import remove_orphans as sweep

    result = sweep()
    return {"checked": result.checked, "removed": result.removed}
