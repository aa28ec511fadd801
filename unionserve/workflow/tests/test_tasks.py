"""The sweep runs as a Celery task: scheduled by beat, and through a real worker over Redis when configured."""

import pytest
from django.conf import settings

from unionserve.celery import app


def test_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


@pytest.mark.django_db
def test_sweep_task_runs_in_process_without_a_broker():
    from unionserve.workflow.tasks import sweep_deadlines

    assert sweep_deadlines.delay().get(timeout=10) == {"overdue": 0, "due_soon": 0, "escalated": 0}


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL)")
@pytest.mark.django_db(transaction=True)
def test_sweep_and_outbox_run_on_a_worker_over_redis(example, people, clock):
    from celery.contrib.testing.worker import start_worker

    from unionserve.notifications.tasks import deliver_pending
    from unionserve.workflow import actions
    from unionserve.workflow.models import Step
    from unionserve.workflow.tasks import sweep_deadlines

    clock.set(2026, 9, 28)
    case = actions.open_case("example", actor=people["agent"], title="x")
    actions.perform(case, "dispatch", actor=people["agent"], data={"units": "110101001"})
    clock.set(2026, 10, 14, 9)
    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            assert sweep_deadlines.delay().get(timeout=30)["overdue"] == 1
            clock.monkeypatch.undo()  # back to the real time, at which the queued notices are due
            deliver_pending.delay().get(timeout=30)
    finally:
        app.conf.task_always_eager = True
    from unionserve.notifications.models import Notification

    assert Step.objects.get(case=case, unit__code="110101001").overdue
    overdue = Notification.objects.filter(event="steps.overdue")
    assert overdue.exists() and not overdue.exclude(status="sent").exists()
