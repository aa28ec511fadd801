"""Delivery: sent once, retried with backoff, failed after five attempts, rate-limited, never twice."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from unionserve.notifications import delivery
from unionserve.notifications.api import notify
from unionserve.notifications.backends import BACKENDS, Backend, DeliveryError
from unionserve.notifications.delivery import claim, deliver_due
from unionserve.notifications.models import Notification
from unionserve.notifications.tasks import deliver_pending


class Broken(Backend):
    def send(self, notification):
        raise DeliveryError("gateway down")


class Recording(Backend):
    """Remembers what it sent (shared across instances), slowly, so that two workers overlap."""

    sent: list[int] = []
    lock = threading.Lock()

    def send(self, notification):
        time.sleep(0.002)
        with self.lock:
            Recording.sent.append(notification.pk)


@pytest.fixture
def sms_backend(settings, monkeypatch):
    def use(cls):
        monkeypatch.setitem(BACKENDS, cls.__name__.lower(), cls)
        settings.UNIONSERVE_NOTIFICATION_BACKENDS = {**settings.UNIONSERVE_NOTIFICATION_BACKENDS,
                                                     "sms": cls.__name__.lower()}
    return use


def _sms(units, context, n=1):
    """n pending SMS (one per unit given, repeated with distinct dedupe keys)."""
    for i in range(n):
        notify("case.urged", units=units, channels=("sms",), context=context, dedupe_key=f"k{i}")


def test_delivery_marks_sent(users, station, context):
    notify("case.dispatched", units=[station], channels=("in_app", "sms"), context=context)
    result = deliver_pending()
    assert result["sent"] == 2 and result["claimed"] == 2
    for row in Notification.objects.all():
        assert row.status == "sent" and row.sent_at and row.attempts == 1 and not row.claim_token
    assert deliver_pending()["claimed"] == 0


def test_a_failing_backend_retries_with_backoff_then_fails_after_five_attempts(station, context, sms_backend):
    sms_backend(Broken)
    _sms([station], context)
    row = Notification.objects.get()
    for attempt, minutes in enumerate((1, 5, 30, 120), start=1):
        before = timezone.now()
        assert deliver_due().retrying == 1
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("pending", attempt)
        assert before + timedelta(minutes=minutes) <= row.next_attempt_at <= timezone.now() + timedelta(
            minutes=minutes)
        assert "gateway down" in row.last_error
        assert deliver_due().claimed == 0  # not due yet
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert deliver_due().failed == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 5) and "DeliveryError: gateway down" in row.last_error
    assert deliver_due().claimed == 0


def test_a_misconfigured_backend_is_a_visible_retry_not_a_crash(users, station, context, settings):
    settings.UNIONSERVE_NOTIFICATION_BACKENDS = {**settings.UNIONSERVE_NOTIFICATION_BACKENDS, "sms": "nonesuch"}
    notify("case.urged", units=[station], channels=("in_app", "sms"), context=context)
    result = deliver_due()
    assert (result.sent, result.retrying) == (1, 1)
    assert "nonesuch" in Notification.objects.get(channel="sms").last_error


def test_sms_rate_limit_holds(users, station, context, settings):
    settings.UNIONSERVE_SMS_RATE_PER_MINUTE = 3
    _sms([station], context, n=5)
    notify("case.urged", units=[station], channels=("in_app",), context=context)  # in-app is not limited
    assert deliver_due().sent == 3 + 1
    assert Notification.objects.filter(channel="sms", status="sent").count() == 3
    assert deliver_due().claimed == 0  # the minute is used up
    Notification.objects.filter(status="sent").update(sent_at=timezone.now() - timedelta(seconds=61))
    assert deliver_due().sent == 2
    assert not Notification.objects.exclude(status="sent").exists()


def test_sms_in_flight_count_against_the_rate(station, context, settings):
    settings.UNIONSERVE_SMS_RATE_PER_MINUTE = 3
    _sms([station], context, n=4)
    Notification.objects.filter(pk=Notification.objects.order_by("pk").first().pk).update(status="sending",
                                                                                     claimed_at=timezone.now())
    assert deliver_due().sent == 2


def test_workflow_messages_go_before_a_broadcast_backlog(users, station, context, settings):
    settings.UNIONSERVE_SMS_RATE_PER_MINUTE = 1
    notify("broadcast", units=[station], channels=("sms",), context={"title": "t", "text": "appeal"})
    notify("case.dispatched", units=[station], channels=("sms",), context=context, dedupe_key="x")
    deliver_due()
    assert Notification.objects.get(status="sent").event == "case.dispatched"


def test_a_row_claimed_by_one_worker_is_not_claimed_by_another(station, context):
    _sms([station], context, n=3)
    now = timezone.now()
    mine = claim(Notification.objects.filter(status="pending"), 10, "a" * 32, now)
    assert len(mine) == 3 and {r.status for r in mine} == {"sending"}
    # A second worker that read the candidates before the first one's claim committed:
    assert claim(Notification.objects.all(), 10, "b" * 32, now) == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_row_exactly_once(tree, context, sms_backend, settings):
    sms_backend(Recording)
    Recording.sent = []
    settings.UNIONSERVE_SMS_RATE_PER_MINUTE = 10_000
    tree["st1"].phone, tree["st2"].phone = "13800000001", "13800000002"
    tree["st1"].save()
    tree["st2"].save()
    _sms([tree["st1"], tree["st2"]], context, n=30)
    start = threading.Barrier(2)
    errors = []

    def worker():
        try:
            start.wait()
            while deliver_due(batch=7).claimed:
                pass
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert sorted(Recording.sent) == sorted(set(Recording.sent))
    assert len(Recording.sent) == 60 == Notification.objects.filter(status="sent").count()


def test_a_dead_workers_claim_is_recovered(station, context):
    _sms([station], context)
    Notification.objects.update(status="sending", claim_token="dead", claimed_at=timezone.now() - timedelta(hours=1))
    result = deliver_due()
    assert (result.recovered, result.sent) == (1, 1)


def test_a_slow_run_hands_back_what_it_could_not_send(station, context, monkeypatch):
    _sms([station], context, n=3)
    monkeypatch.setattr(delivery, "CLAIM_BUDGET", timedelta(0))
    result = deliver_due()
    assert (result.claimed, result.sent, result.released) == (3, 0, 3)
    assert set(Notification.objects.values_list("status", "claim_token")) == {("pending", "")}


def test_the_command_delivers_everything_due(users, station, context):
    from io import StringIO

    from django.core.management import call_command

    for i in range(3):
        notify("case.urged", units=[station], channels=("in_app", "sms"), context=context, dedupe_key=str(i))
    out = StringIO()
    call_command("deliver_notifications", batch=2, stdout=out)
    assert out.getvalue().strip() == "sent 6, retrying 0, failed 0"
    assert not Notification.objects.exclude(status="sent").exists()
