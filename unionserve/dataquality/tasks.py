"""Celery tasks of the data-quality app (scheduled by beat: see CELERY_BEAT_SCHEDULE in settings)."""

from celery import shared_task


@shared_task(name="unionserve.dataquality.snapshot")
def nightly_snapshot() -> dict:
    """Compute and store today's rates for every unit and remind the units below a threshold."""
    from .actions import recompute_snapshots

    summary = recompute_snapshots()
    return {"date": summary.date.isoformat(), "units": summary.units, "reminded": summary.reminded,
            "seconds": round(summary.seconds, 2)}
