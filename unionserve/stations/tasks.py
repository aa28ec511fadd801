"""Celery tasks of the stations (scheduled by beat in settings: CELERY_BEAT_SCHEDULE)."""

from celery import shared_task


@shared_task(name="unionserve.stations.remind_reports")
def remind_reports() -> dict:
    """Queue today's reminders of the monthly station report."""
    from .reminders import remind

    return remind()
