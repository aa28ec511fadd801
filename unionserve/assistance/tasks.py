"""Celery tasks of assistance (scheduled by beat in settings)."""

from celery import shared_task


@shared_task(name="unionserve.assistance.expire_hardship_files")
def expire_hardship_files() -> int:
    """End the hardship files past their validity (the register's hardship flag ends with its history)."""
    from .actions import expire_hardship_files as expire

    return expire()
