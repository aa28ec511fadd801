"""Queuing a confirmed broadcast in the outbox, one minute's worth at a time.

A broadcast at rate R (messages per minute) is queued in *windows* of R messages: each window's rows fall due
one minute after the previous window's (Notification.next_attempt_at), so the outbox's delivery never sends them faster
than R per minute, whoever runs it. With a broker, the Celery task queues one window per run and schedules
itself a minute later (at most R new rows per minute, the table never holds the whole appeal in advance);
without one (development, eager tasks), it queues all windows in one run, still staggered.

Each window is written in chunks of at most rules.CHUNK rows, each chunk one transaction that also moves the
broadcast's cursor (the last member pk queued) with a conditional UPDATE: a chunk written twice (a retried
task) is refused by the cursor check, and a member already queued is skipped by the outbox's dedupe key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from unionserve import pii
from unionserve.accounts.models import User
from unionserve.notifications.api import Direct, queue_direct
from unionserve.notifications.models import Channel, Notification, Priority, Status
from unionserve.notifications.templates import render

from . import rules, selection
from .models import Broadcast, BroadcastStatus


@dataclass
class Step:
    """What one run did: rows queued now, whether more windows remain, and the broadcast's status after."""

    queued: int = 0
    more: bool = False
    status: str = ""


class _Stop(Exception):  # noqa: N818 - raised to roll back a chunk that lost the race
    pass


def _recipients(broadcast: Broadcast, user: User, after: int, limit: int) -> list[tuple]:
    qs = selection.with_phone(selection.members_for(user, broadcast.criteria)).filter(
        pk__gt=after, pk__lte=broadcast.max_member_id)
    return list(qs.order_by("pk").values_list("pk", "name", "phone_encrypted", "grassroots_id",
                                               "grassroots__name")[:limit])


def _messages(broadcast: Broadcast, members: list[tuple]) -> list[Direct]:
    messages = []
    for pk, name, phone_encrypted, unit_id, union in members:
        text = rules.fill(broadcast.body, name=name, union=union or "")
        _subject, body = render("broadcast", Channel.SMS, {"title": broadcast.title, "text": text})
        messages.append(Direct(key=f"member:{pk}", address=pii.decrypt_unchecked(phone_encrypted), body=body,
                               unit_id=unit_id))
    return messages


def queue_window(broadcast_id: int, *, now: dt.datetime | None = None) -> Step:
    """Queue the next window (up to rate_per_minute messages) of a confirmed or sending broadcast."""
    now = now or timezone.now()
    broadcast = Broadcast.objects.select_related("confirmed_by").get(pk=broadcast_id)
    if broadcast.status not in Broadcast.OPEN or broadcast.enqueued_at is not None:
        return Step(status=broadcast.status)
    if broadcast.status == BroadcastStatus.CONFIRMED:
        Broadcast.objects.filter(pk=broadcast.pk, status=BroadcastStatus.CONFIRMED).update(
            status=BroadcastStatus.SENDING, started_at=now)
        broadcast.refresh_from_db()
    user = broadcast.confirmed_by or broadcast.created_by
    rate = broadcast.rate_per_minute or rules.rate_per_minute()
    # This window's messages fall due a minute after the previous window's (a late run does not bunch them up).
    due = max(now, broadcast.next_due_at or now)
    left, done, finished = rate, 0, False
    while left > 0:
        size = min(left, rules.CHUNK)
        try:
            with transaction.atomic():
                members = _recipients(broadcast, user, broadcast.cursor, size)
                if members:
                    queue_direct("broadcast", Channel.SMS, _messages(broadcast, members), due=due,
                                 dedupe_key=broadcast.dedupe_key, priority=Priority.BULK)
                moved = Broadcast.objects.filter(
                    pk=broadcast.pk, cursor=broadcast.cursor, status=BroadcastStatus.SENDING,
                ).update(cursor=members[-1][0] if members else broadcast.cursor, queued=F("queued") + len(members))
                if not moved:  # cancelled, or another run queued this chunk first
                    raise _Stop
        except _Stop:
            broadcast.refresh_from_db()
            return Step(queued=done, more=False, status=broadcast.status)
        broadcast.cursor = members[-1][0] if members else broadcast.cursor
        done += len(members)
        left -= len(members)
        if len(members) < size:
            finished = True
            break
    if not finished:
        # A full window: peek whether anybody is left, so the last window closes the queuing at once.
        finished = not _recipients(broadcast, user, broadcast.cursor, 1)
    Broadcast.objects.filter(pk=broadcast.pk, status=BroadcastStatus.SENDING).update(
        windows=F("windows") + 1, next_due_at=due + dt.timedelta(minutes=1),
        **({"enqueued_at": now} if finished else {}))
    broadcast.refresh_from_db()
    return Step(queued=done, more=not finished and broadcast.status == BroadcastStatus.SENDING,
                status=broadcast.status)


def delivery_counts(broadcast: Broadcast) -> dict[str, int]:
    """Outbox rows of the broadcast by state: queued (waiting or being sent), sent, failed, cancelled."""
    counts = {"queued": 0, "sent": 0, "failed": 0, "cancelled": 0}
    if broadcast.pk is None or broadcast.status == BroadcastStatus.DRAFT:
        return counts
    # One GROUP BY over the outbox's (dedupe_key, channel, recipient_key) index.
    for status, n in (Notification.objects.filter(dedupe_key=broadcast.dedupe_key).values_list("status")
                      .annotate(n=Count("pk")).order_by()):
        key = {Status.PENDING: "queued", Status.SENDING: "queued"}.get(status, status)
        if key in counts:
            counts[key] += n
    return counts


def finish_if_delivered(broadcast_id: int, *, now: dt.datetime | None = None) -> bool:
    """Mark a fully queued broadcast done once none of its messages waits; True when it is done."""
    broadcast = Broadcast.objects.get(pk=broadcast_id)
    if broadcast.status == BroadcastStatus.DONE:
        return True
    if broadcast.status != BroadcastStatus.SENDING or broadcast.enqueued_at is None:
        return False
    waiting = Notification.objects.filter(dedupe_key=broadcast.dedupe_key,
                                          status__in=[Status.PENDING, Status.SENDING]).exists()
    if waiting:
        return False
    return bool(Broadcast.objects.filter(pk=broadcast.pk, status=BroadcastStatus.SENDING).update(
        status=BroadcastStatus.DONE, finished_at=now or timezone.now()))
