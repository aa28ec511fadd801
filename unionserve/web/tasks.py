"""Tasks of the shell: a round trip that proves a worker is listening."""

from celery import shared_task


@shared_task(name="unionserve.ping")
def ping() -> str:
    """Answer "pong" from whichever process runs tasks (a worker, or the caller when eager)."""
    return "pong"
