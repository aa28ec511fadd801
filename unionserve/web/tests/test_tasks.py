"""Tasks run in-process without a broker, and through a real worker over Redis when REDIS_URL is set."""

import pytest
from django.conf import settings

from unionserve.web.tasks import ping


def test_health_reports_database_and_tasks(client, db):
    data = client.get("/health/").json()
    assert data["database"] == "ok"
    assert data["tasks"] == ("redis" if settings.REDIS_URL else "in-process")


@pytest.mark.skipif(bool(settings.REDIS_URL), reason="eager mode is the no-broker configuration")
def test_tasks_run_in_process_without_a_broker():
    assert ping.delay().get(timeout=5) == "pong"


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
def test_a_worker_runs_tasks_over_redis(settings):
    from celery.contrib.testing.worker import start_worker

    from unionserve.celery import app

    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            assert ping.delay().get(timeout=20) == "pong"
    finally:
        app.conf.task_always_eager = True
