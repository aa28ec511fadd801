"""Tasks of the shell: a round trip that proves a worker is listening."""

from celery import shared_task


@shared_task(name="unionserve.ping")
def ping() -> str:
    """Answer "pong" from whichever process runs tasks (a worker, or the caller when eager)."""
    return "pong"


@shared_task(name="unionserve.web.refresh_statistics")
def refresh_statistics() -> bool:
    """Nightly: the SQLite planner's table statistics (PostgreSQL analyzes by itself)."""
    from unionserve.core.dbstats import refresh_statistics as refresh

    return refresh()
