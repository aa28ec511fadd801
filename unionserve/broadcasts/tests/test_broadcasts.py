"""Broadcast appeals: selection in scope, counts, the confirm step with its re-check, the rate, cancel, pages."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.broadcasts import actions, selection, sending, tasks
from unionserve.broadcasts.models import Broadcast, BroadcastStatus
from unionserve.core.roles import Role
from unionserve.members.models import SpecialGroup, SpecialGroupRecord
from unionserve.members.tests.factories import make_member
from unionserve.notifications.delivery import deliver_due
from unionserve.notifications.models import Notification

pytestmark = pytest.mark.django_db

BODY = "{name}您好：{union}请您关注12351热线的求助。"


def with_rate(rate: int):
    from django.conf import settings

    return override_settings(UNIONSERVE={**settings.UNIONSERVE, "BROADCAST_RATE_PER_MINUTE": rate})


@pytest.fixture
def people(tree):
    """Members: g1 (东华门站, 东城区; bus company) ×3, one without a phone; g2 ×1; g3 (海淀区) ×2."""
    m = {
        "a": make_member(tree["g1"], "王一", phone="13800000001", employment="employed", joined_on=dt.date(2020, 1, 1)),
        "b": make_member(tree["g1"], "王二", phone="13800000002", employment="retired", joined_on=dt.date(2021, 6, 30)),
        "nophone": make_member(tree["g1"], "王三", phone=None, employment="employed", joined_on=dt.date(2021, 7, 1)),
        "c": make_member(tree["g2"], "李四", phone="13800000004", employment="employed"),
        "d": make_member(tree["g3"], "赵五", phone="13800000005", employment="employed"),
        "e": make_member(tree["g3"], "赵六", phone="13800000006", employment="unemployed"),
    }
    SpecialGroupRecord.objects.create(member=m["a"], group=SpecialGroup.MODEL_WORKER)
    SpecialGroupRecord.objects.create(member=m["d"], group=SpecialGroup.HARDSHIP)
    # An ended group membership does not count.
    SpecialGroupRecord.objects.create(member=m["b"], group=SpecialGroup.HARDSHIP, until=timezone.now())
    return m


@pytest.fixture
def sender(tree, make_user):
    return make_user(tree["city"], Role.CITY_OFFICE, username="sender")


def draft(user, criteria=None, body=BODY) -> Broadcast:
    return actions.create_broadcast(title="求助", body=body, criteria=criteria or {}, acting_user=user)


def confirm(broadcast, user, expected=None):
    expected = selection.count(user, broadcast.criteria).with_phone if expected is None else expected
    with TestCase.captureOnCommitCallbacks(execute=True):
        return actions.confirm_and_send(broadcast, expected=expected, version=broadcast.version, acting_user=user)


# --- selection and scope ---------------------------------------------------------------------------------

def test_counts_in_scope_and_members_without_a_phone(people, sender, users):
    assert selection.count(sender, {}) == selection.Counts(6, 5)
    # A district user reaches only its district's members, whatever the criteria name.
    assert selection.count(users["district"], {}) == selection.Counts(4, 3)
    assert selection.count(users["district"], {"area": "110108"}) == selection.Counts(0, 0)
    assert selection.count(users["station3"], {}) == selection.Counts(2, 2)
    # The industry line: the bus company's subtree is g1 and g3.
    assert selection.count(sender, {"area": "IND05"}) == selection.Counts(5, 4)
    assert selection.count(users["company"], {"area": "110101"}) == selection.Counts(0, 0)


def test_criteria(people, sender):
    assert selection.count(sender, {"unit": "110101001"}).selected == 4
    assert selection.count(sender, {"groups": ["model_worker"]}).selected == 1
    assert selection.count(sender, {"groups": ["model_worker", "hardship"]}).selected == 2
    assert selection.count(sender, {"employment": ["retired", "unemployed"]}).selected == 2
    # Criteria saved before the field was coded hold the template terms: they select the same members.
    assert selection.count(sender, {"employment": ["退休", "失业"]}).selected == 2
    # Join dates are inclusive at both ends: 2021-06-30 is in, 2021-07-01 is out, and one day later in.
    assert selection.count(sender, {"joined_from": "2020-01-01", "joined_to": "2021-06-30"}).selected == 2
    assert selection.count(sender, {"joined_from": "2021-06-30", "joined_to": "2021-07-01"}).selected == 2
    assert selection.count(sender, {"joined_from": "2021-07-02"}).selected == 0
    assert selection.count(sender, {"unit": "NOPE"}).selected == 0


def test_left_members_are_not_reached(people, sender):
    people["c"].status = "left"
    people["c"].save()
    assert selection.count(sender, {}).selected == 5


# --- confirm, send, re-check ------------------------------------------------------------------------------

def test_confirm_sends_to_members_with_a_phone_and_audits(people, sender):
    b = confirm(draft(sender), sender)
    b.refresh_from_db()
    assert b.status == BroadcastStatus.SENDING and b.recipients == 5 and b.without_phone == 1
    assert b.queued == 5 and b.enqueued_at is not None
    rows = Notification.objects.filter(dedupe_key=b.dedupe_key)
    assert rows.count() == 5
    assert set(rows.values_list("to_address", flat=True)) == {f"1380000000{i}" for i in (1, 2, 4, 5, 6)}
    a = rows.get(recipient_key=f"member:{people['a'].pk}")
    assert a.body == "王一您好：公交一厂工会请您关注12351热线的求助。" and a.channel == "sms" and a.priority == 9
    assert a.recipient_unit_id == people["a"].grassroots_id
    event = AuditEvent.objects.get(action=AuditAction.BROADCAST_SENT)
    assert event.detail["recipients"] == 5 and event.detail["without_phone"] == 1
    # Delivered: the counts say so, and the broadcast is done.
    deliver_due(100)
    assert sending.delivery_counts(b) == {"queued": 0, "sent": 5, "failed": 0, "cancelled": 0}
    assert sending.finish_if_delivered(b.pk)
    b.refresh_from_db()
    assert b.status == BroadcastStatus.DONE


def test_count_is_checked_again_at_send(people, sender, tree):
    b = draft(sender)
    seen = selection.count(sender, {}).with_phone
    make_member(tree["g2"], "新人", phone="13800000099")  # one more member since the preview
    with pytest.raises(actions.CountChanged) as exc:
        confirm(b, sender, expected=seen)
    assert exc.value.counts.with_phone == seen + 1
    b.refresh_from_db()
    assert b.status == BroadcastStatus.DRAFT and not Notification.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.BROADCAST_SENT).exists()
    confirm(b, sender, expected=seen + 1)
    assert Notification.objects.count() == seen + 1


def test_members_created_after_confirmation_are_not_added(people, sender, tree):
    b = draft(sender)
    with mock.patch.object(tasks.send_broadcast, "delay"):
        confirm(b, sender)
    make_member(tree["g2"], "后来者", phone="13800000098")
    tasks.send_broadcast.run(b.pk)
    assert Notification.objects.filter(dedupe_key=b.dedupe_key).count() == 5


def test_stale_version_and_second_confirm_are_refused(people, sender):
    b = draft(sender)
    confirm(b, sender)
    with pytest.raises(actions.BroadcastError):
        actions.confirm_and_send(b, expected=5, version=1, acting_user=sender)
    assert Notification.objects.count() == 5


def test_nobody_with_a_phone(people, sender):
    b = draft(sender, {"unit": "G1", "employment": ["employed"], "joined_from": "2021-07-01"})
    assert selection.count(sender, b.criteria) == selection.Counts(1, 0)
    with pytest.raises(actions.BroadcastError):
        confirm(b, sender, expected=0)


def test_text_rules():
    from unionserve.broadcasts import rules

    rules.check_text("{name}您好")
    for bad in ("{nam}您好", "您好{", "{0}"):
        with pytest.raises(rules.TextError):
            rules.check_text(bad)


def test_text_length_limit(sender, people):
    from unionserve.broadcasts.rules import MAX_LENGTH

    draft(sender, body="好" * MAX_LENGTH)
    with pytest.raises(actions.BroadcastError):
        draft(sender, body="好" * (MAX_LENGTH + 1))


# --- the rate ---------------------------------------------------------------------------------------------

def test_rate_staggers_the_windows_in_eager_mode(people, sender):
    with with_rate(2):
        b = confirm(draft(sender), sender)
    b.refresh_from_db()
    assert b.rate_per_minute == 2 and b.windows == 3 and b.queued == 5
    due = sorted(Notification.objects.filter(dedupe_key=b.dedupe_key).values_list("next_attempt_at", flat=True))
    minutes = [round((d - due[0]).total_seconds() / 60) for d in due]
    assert minutes == [0, 0, 1, 1, 2]  # at most 2 a minute
    # The outbox sends only what is due: 2 now, then 2 a minute later.
    assert deliver_due(100).sent == 2
    with mock.patch("django.utils.timezone.now", return_value=due[0] + dt.timedelta(minutes=1, seconds=1)):
        assert deliver_due(100).sent == 2


def test_task_queues_one_window_per_run_with_a_broker(people, sender):
    with with_rate(2):
        b = draft(sender)
        with mock.patch.object(tasks.send_broadcast, "delay"):
            confirm(b, sender)
    app = tasks.send_broadcast.app
    app.conf.task_always_eager = False
    try:
        with mock.patch.object(tasks.send_broadcast, "apply_async") as later:
            result = tasks.send_broadcast.run(b.pk)
            assert result["queued"] == 2 and result["more"]
            later.assert_called_once_with((b.pk,), countdown=60)
            assert Notification.objects.filter(dedupe_key=b.dedupe_key).count() == 2
            tasks.send_broadcast.run(b.pk)
            tasks.send_broadcast.run(b.pk)
    finally:
        app.conf.task_always_eager = True
    b.refresh_from_db()
    assert b.queued == 5 and b.enqueued_at is not None
    due = sorted(set(Notification.objects.filter(dedupe_key=b.dedupe_key).values_list("next_attempt_at", flat=True)))
    assert len(due) == 3 and all((y - x) >= dt.timedelta(minutes=1) for x, y in zip(due, due[1:], strict=False))


def test_a_window_is_split_into_chunks(people, sender, monkeypatch):
    from unionserve.broadcasts import rules

    monkeypatch.setattr(rules, "CHUNK", 2)
    b = confirm(draft(sender), sender)
    b.refresh_from_db()
    assert b.queued == 5 and b.windows == 1


def test_a_retried_chunk_writes_nothing_twice(people, sender):
    b = draft(sender)
    with mock.patch.object(tasks.send_broadcast, "delay"):
        confirm(b, sender)
    sending.queue_window(b.pk)
    Broadcast.objects.filter(pk=b.pk).update(enqueued_at=None, cursor=0)  # as if the cursor had been lost
    sending.queue_window(b.pk)
    assert Notification.objects.filter(dedupe_key=b.dedupe_key).count() == 5


# --- cancel -----------------------------------------------------------------------------------------------

def test_cancel_while_sending_stops_queuing_and_cancels_waiting_messages(people, sender):
    with with_rate(2):
        b = draft(sender)
        with mock.patch.object(tasks.send_broadcast, "delay"):
            confirm(b, sender)
        sending.queue_window(b.pk)
    b.refresh_from_db()
    assert b.queued == 2
    assert actions.cancel_broadcast(b, version=b.version, acting_user=sender) == 2
    b.refresh_from_db()
    assert b.status == BroadcastStatus.CANCELLED
    assert sending.queue_window(b.pk).queued == 0
    assert sending.delivery_counts(b) == {"queued": 0, "sent": 0, "failed": 0, "cancelled": 2}
    with pytest.raises(actions.BroadcastError):
        actions.cancel_broadcast(b, version=b.version, acting_user=sender)


# --- pages ------------------------------------------------------------------------------------------------

def test_pages_new_count_preview_confirm_detail(people, sender, client_for):
    client = client_for(sender)
    assert client.get(reverse("broadcasts:list")).status_code == 200
    assert client.get(reverse("broadcasts:new")).status_code == 200
    count = client.get(reverse("broadcasts:count"), {"area": "110101"}, headers={"HX-Request": "true"})
    assert count.status_code == 200 and "<strong>3</strong>" in count.content.decode()
    bad = client.post(reverse("broadcasts:new"), {"title": "求助", "body": "{nom}您好"})
    assert bad.status_code == 200 and "{nom}" in bad.content.decode() and not Broadcast.objects.exists()
    response = client.post(reverse("broadcasts:new"), {"title": "求助", "body": BODY, "area": "110101"})
    b = Broadcast.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("broadcasts:confirm", args=[b.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "王一您好：公交一厂工会" in preview and 'name="expected" value="3"' in preview
    edit = client.post(reverse("broadcasts:edit", args=[b.pk]),
                       {"title": "求助2", "body": BODY, "area": "110101", "version": b.version})
    assert edit.status_code == 302
    b.refresh_from_db()
    assert b.title == "求助2" and b.version == 2
    stale = client.post(reverse("broadcasts:confirm", args=[b.pk]), {"expected": 2, "version": b.version})
    assert stale.status_code == 409 and not Notification.objects.exists()
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = client.post(reverse("broadcasts:confirm", args=[b.pk]), {"expected": 3, "version": b.version})
    assert done.status_code == 302 and Notification.objects.count() == 3
    detail = client.get(reverse("broadcasts:detail", args=[b.pk])).content.decode()
    assert f'hx-get="{reverse("broadcasts:progress", args=[b.pk])}"' in detail
    progress = client.get(reverse("broadcasts:progress", args=[b.pk])).content.decode()
    assert "broadcast-progress" in progress
    b.refresh_from_db()
    cancel = client.post(reverse("broadcasts:cancel", args=[b.pk]), {"version": b.version})
    assert cancel.status_code == 302
    b.refresh_from_db()
    assert b.status == BroadcastStatus.CANCELLED


def test_permission_and_scope(people, sender, users, tree, make_user, client_for):
    b = draft(sender)
    for name in ("district", "station", "auditor"):
        client = client_for(users[name])
        assert client.get(reverse("broadcasts:list")).status_code == 403
        assert client.get(reverse("broadcasts:detail", args=[b.pk])).status_code == 403
    # A city-office user of a department sees only its own part of the tree: the city's appeal is not there.
    dept_user = make_user(tree["dept"], Role.CITY_OFFICE, username="deptoffice")
    client = client_for(dept_user)
    assert client.get(reverse("broadcasts:detail", args=[b.pk])).status_code == 404
    assert client.post(reverse("broadcasts:cancel", args=[b.pk]), {"version": 1}).status_code == 404
    assert selection.count(dept_user, {"area": "110101"}).selected == 0


def test_send_broadcasts_command_marks_delivered_done(people, sender):
    from django.core.management import call_command

    b = confirm(draft(sender), sender)
    deliver_due(100)
    call_command("send_broadcasts")
    b.refresh_from_db()
    assert b.status == BroadcastStatus.DONE


def test_demo_is_idempotent(db):
    from unionserve.accounts.demo import seed_demo_accounts
    from unionserve.broadcasts.demo import seed_broadcasts
    from unionserve.orgs.seed import seed_beijing

    seed_beijing()
    seed_demo_accounts()
    seed_broadcasts(log=lambda *_: None)
    seed_broadcasts(log=lambda *_: None)
    assert Broadcast.objects.count() == 1
