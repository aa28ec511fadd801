"""notify(): who receives what, in the caller's transaction, once."""

import pytest
from django.db import transaction
from django.utils import translation

from unionserve.core.roles import Role
from unionserve.notifications.api import ALL, mark_read, notify, unread_count
from unionserve.notifications.models import Notification
from unionserve.notifications.templates import NotificationTemplateError, render

from .conftest import read_jsonl


def test_a_unit_reaches_its_active_users_in_app_and_its_duty_phone_by_sms(
        users, station, make_user, context, django_capture_on_commit_callbacks, tmp_path):
    colleague = make_user(station, Role.SOCIAL_WORKER, username="colleague")
    gone = make_user(station, Role.SOCIAL_WORKER, username="gone")
    gone.is_active = False
    gone.save()
    users["station"].phone = "13900000009"  # a personal phone is not the unit's: no SMS to it
    users["station"].save()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rows = notify("case.dispatched", units=[station], channels=("in_app", "sms"), context=context,
                      link="/work/cases/DC20261204-0001/")
    assert len(callbacks) == 1
    in_app = Notification.objects.filter(channel="in_app")
    assert {n.recipient_user.username for n in in_app} == {"station", "colleague"}
    assert {n.recipient_unit_id for n in in_app} == {station.pk}
    sms = Notification.objects.get(channel="sms")
    assert sms.to_address == "13800000001" and sms.recipient_user is None and sms.recipient_unit == station
    assert len(rows) == 3 and all(r.pk for r in rows)
    assert all(n.status == "sent" for n in Notification.objects.all())  # eager delivery after commit
    assert sms.body == render("case.dispatched", "sms", context)[1] and "DC20261204-0001" in sms.body
    assert [line["to"] for line in read_jsonl(tmp_path / "outbox" / "sms.jsonl")] == ["13800000001"]
    assert unread_count(colleague) == 1


def test_a_unit_notice_skips_its_mediators_and_lawyers_but_not_when_named(users, station, make_user, context):
    """Someone who is only a mediator or lawyer works only their own cases: a notice to their unit (which may
    name other cases) does not reach them; a notice addressed to them does. A lawyer who also holds a unit role
    is that unit's staff and gets it."""
    from unionserve.accounts.models import RoleGrant

    lawyer = make_user(station, Role.LAWYER, username="lawyer_only")
    mediator = make_user(station, Role.MEDIATOR, username="mediator_only")
    both = make_user(station, Role.MEDIATOR, username="mediator_and_staff")
    RoleGrant.objects.create(user=both, role=Role.SOCIAL_WORKER)
    notify("case.dispatched", units=[station], channels=("in_app",), context=context)
    reached = set(Notification.objects.values_list("recipient_user__username", flat=True))
    assert "station" in reached and "mediator_and_staff" in reached
    assert not reached & {"lawyer_only", "mediator_only"}
    notify("case.dispatched", users=[lawyer, mediator], channels=("in_app",), context=context)
    assert set(Notification.objects.filter(recipient_user__in=[lawyer, mediator]).values_list(
        "recipient_user__username", flat=True)) == {"lawyer_only", "mediator_only"}


def test_a_user_given_directly_is_reached_in_app_by_email_and_at_their_phone(users, context, mailoutbox,
                                                                             django_capture_on_commit_callbacks):
    user = users["district"]
    user.email, user.phone = "district@example.org", "13700000002"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify("case.urged", users=[user], channels=("in_app", "sms", "email"), context=context)
    rows = {n.channel: n for n in Notification.objects.all()}
    assert rows["sms"].to_address == "13700000002" and rows["email"].to_address == "district@example.org"
    assert {n.recipient_unit_id for n in rows.values()} == {user.org_unit_id}  # scoped by the user's unit
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["district@example.org"]
    assert mailoutbox[0].subject == rows["email"].subject


def test_recipients_without_an_address_or_not_active_are_skipped(users, tree, context):
    tree["st2"].phone = ""
    tree["st2"].save()
    inactive = users["station3"]
    inactive.is_active = False
    inactive.save()
    assert notify("case.urged", units=[tree["st2"]], users=[inactive], channels=("sms", "email"),
                  context=context) == []
    assert not Notification.objects.exists()


def test_rollback_notifies_nobody(users, station, context, django_capture_on_commit_callbacks, tmp_path):
    with (django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError),
          transaction.atomic()):
        notify("case.dispatched", units=[station], channels=("in_app", "sms"), context=context)
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not (tmp_path / "outbox").exists()


def test_dedupe_key_notifies_each_recipient_once(users, station, context, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify("case.overdue", units=[station], channels=("in_app", "sms"), context=context,
                       dedupe_key="overdue:1")
        again = notify("case.overdue", units=[station], channels=("in_app", "sms"), context=context,
                       dedupe_key="overdue:1")
        other = notify("case.overdue", units=[station], channels=("in_app",), context=context,
                       dedupe_key="overdue:2")
    assert len(first) == 2 and again == [] and len(other) == 1
    assert Notification.objects.count() == 3


def test_dedupe_constraint_holds_even_when_the_pre_check_is_bypassed(users, station, context):
    notify("case.overdue", units=[station], channels=("in_app", "sms"), context=context, dedupe_key="k")
    rows = list(Notification.objects.all())
    for row in rows:
        row.pk = None
    Notification.objects.bulk_create(rows, ignore_conflicts=True)  # what a concurrent sweep would insert
    assert Notification.objects.count() == 2


def test_a_user_reached_twice_in_one_call_gets_one_message(users, station, context):
    rows = notify("case.urged", units=[station], users=[users["station"]], context=context)
    assert [r.recipient_user for r in rows] == [users["station"]]


def test_text_is_stored_in_the_site_language(users, station, context):
    with translation.override("en"):
        row = notify("case.returned", users=[users["station"]], context=context)[0]
    assert (row.subject, row.body) == render("case.returned", "in_app", context)


def test_bad_calls_are_loud_and_write_nothing(users, context):
    with pytest.raises(NotificationTemplateError):
        notify("case.unknown", users=[users["station"]], context=context)
    with pytest.raises(NotificationTemplateError):
        notify("case.dispatched", users=[users["station"]], context={"number": "X"})
    with pytest.raises(ValueError, match="pigeon"):
        notify("case.dispatched", users=[users["station"]], channels=("pigeon",), context=context)
    with pytest.raises(ValueError, match="relative"):
        notify("case.dispatched", users=[users["station"]], context=context, link="https://evil.example/")
    assert not Notification.objects.exists()


def test_unread_count_and_mark_read(users, context):
    me, other = users["station"], users["district"]
    for _ in range(3):
        notify("case.urged", users=[me, other], context=context)
    mine = list(Notification.objects.filter(recipient_user=me).values_list("pk", flat=True))
    assert unread_count(me) == 3
    assert mark_read(me, [mine[0]]) == 1
    assert mark_read(other, [mine[1]]) == 0  # not theirs
    assert unread_count(me) == 2
    assert mark_read(me, ALL) == 2
    assert unread_count(me) == 0 and unread_count(other) == 3


def test_bulk_events_queue_behind_workflow_messages(users, context):
    broadcast = notify("broadcast", users=[users["station"]], context={"title": "t", "text": "x"})[0]
    case = notify("case.urged", users=[users["station"]], context=context)[0]
    assert broadcast.priority > case.priority


def test_queue_direct_reaches_addresses_outside_the_user_directory_once(station, db):
    """Members are not users: a broadcast queues their phones directly, staggered, once per dedupe key."""
    import datetime as dt

    from django.utils import timezone

    from unionserve.notifications.api import Direct, queue_direct

    later = timezone.now() + dt.timedelta(minutes=3)
    messages = [Direct(key="member:1", address=" 13900000001 ", body="献血倡议", unit_id=station.pk),
                Direct(key="member:2", address="13900000002", body="献血倡议")]
    assert queue_direct("broadcast", "sms", messages, due=later, dedupe_key="broadcast:9") == 2
    assert queue_direct("broadcast", "sms", messages[:1], due=later, dedupe_key="broadcast:9") == 1
    rows = list(Notification.objects.order_by("recipient_key"))
    assert [(r.recipient_key, r.to_address, r.next_attempt_at) for r in rows] == [
        ("member:1", "13900000001", later), ("member:2", "13900000002", later)]
    assert rows[0].recipient_unit_id == station.pk and rows[0].recipient_user is None
    with pytest.raises(ValueError, match="channel"):
        queue_direct("broadcast", "fax", messages)
