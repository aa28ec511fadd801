"""Celery tasks of the workflow engine (scheduled by beat: see CELERY_BEAT_SCHEDULE in settings)."""

from celery import shared_task


@shared_task(name="unionserve.workflow.sweep")
def sweep_deadlines() -> dict:
    """Mark overdue and due-soon steps and notify; returns the counts."""
    from .sweep import sweep

    report = sweep()
    return {"overdue": report.overdue, "due_soon": report.due_soon, "escalated": report.escalated}
