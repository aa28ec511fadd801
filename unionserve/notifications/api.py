"""The published functions of the outbox: what other apps call (the workflow engine, broadcasts, pages).

    notify("case.dispatched", units=[station], channels=("in_app", "sms"),
           context={...}, link=case_url, dedupe_key=None)

Rows are written in the caller's transaction and handed to the `deliver_pending` task only when that
transaction commits, so a change that rolls back notifies nobody.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.db import transaction
from django.utils import timezone

from unionserve.accounts.models import User

from .models import Channel, Notification
from .tasks import schedule_delivery
from .templates import priority_of, render

if TYPE_CHECKING:
    from unionserve.orgs.models import OrgUnit

ALL: Literal["all"] = "all"


def _check_link(link: str) -> str:
    # Links are pages of this site: a relative path, never another host (no open redirect from a message).
    if link and (not link.startswith("/") or link.startswith("//") or "\\" in link):
        raise ValueError(f"Notification links must be relative paths on this site, not {link!r}.")
    return link


@dataclass(frozen=True)
class Message:
    """One message of a batch: whom it reaches, its text context, its link and its dedupe key."""

    context: Mapping[str, object]
    units: tuple = ()
    users: tuple = ()
    link: str = ""
    dedupe_key: str | None = None


def _staff_of(unit_ids) -> set[int]:
    """The units among `unit_ids` with staff: an active user who is not only a mediator or lawyer."""
    from django.db.models import Exists, OuterRef

    from unionserve.accounts.models import RoleGrant
    from unionserve.core.scope import PERSONAL_ROLES

    grants = RoleGrant.objects.filter(user=OuterRef("pk"))
    personal_only = Exists(grants.filter(role__in=PERSONAL_ROLES)) & ~Exists(grants.exclude(role__in=PERSONAL_ROLES))
    return set(User.objects.filter(org_unit__in=unit_ids, is_active=True).exclude(personal_only)
               .values_list("org_unit_id", flat=True).distinct())


def nearest_staffed(units: Iterable[OrgUnit]) -> dict[int, OrgUnit]:
    """For each unit (by id): itself when it has staff, else the nearest unit up its regional line that has —
    a grassroots union without accounts is reached through its station, then its district. Units with nobody
    up to the top are left out. A few queries per level of the tree, however many units."""
    from unionserve.orgs.models import OrgUnit

    wanted = {u.pk: u for u in units}
    out: dict[int, OrgUnit] = {}
    current = dict(wanted)  # original id -> the unit tried now
    for _level in range(6):
        if not current:
            break
        staffed = _staff_of({u.pk for u in current.values() if u.is_active})
        up: dict[int, OrgUnit] = {}
        parents = OrgUnit.objects.in_bulk({u.region_parent_id for u in current.values()
                                           if u.pk not in staffed and u.region_parent_id})
        for original, unit in current.items():
            if unit.pk in staffed and unit.is_active:
                out[original] = unit
            elif unit.region_parent_id in parents:
                up[original] = parents[unit.region_parent_id]
        current = up
    return out


def notify(
    event: str,
    *,
    users: Iterable[User] = (),
    units: Iterable[OrgUnit] = (),
    channels: Iterable[str] = (Channel.IN_APP,),
    context: Mapping[str, object],
    link: str = "",
    dedupe_key: str | None = None,
) -> list[Notification]:
    """Queue `event` for the given users and units on the given channels; returns the rows written.

    A unit reaches its active users in-app (and by e-mail when they have an address) and its duty phone
    (`OrgUnit.phone`) by SMS; a user given directly is reached in-app, at `User.email` and at `User.phone`.
    Inactive users and units, and recipients without an address for a channel, are skipped; a recipient
    reached twice in one call gets one message. With `dedupe_key`, a recipient already notified with that key
    on that channel is not notified again (the overdue sweep may run twice); those rows then come back
    without primary keys. Text is rendered now, in the site language (templates.py); an unknown event or a
    missing context key raises NotificationTemplateError before anything is written.
    """
    message = Message(context=context, units=tuple(units), users=tuple(users), link=link, dedupe_key=dedupe_key)
    return notify_many(event, [message], channels=channels)


def notify_many(event: str, messages: Iterable[Message], *, channels: Iterable[str] = (Channel.IN_APP,)
                ) -> list[Notification]:
    """`notify` for many messages of one event at once, in a constant number of queries.

    The overdue sweep marks thousands of steps in one run; one call here looks up the users of all their
    units in one query, checks all dedupe keys in one query and inserts in bulk.
    """
    channels = tuple(dict.fromkeys(channels))
    unknown = set(channels) - set(Channel.values)
    if unknown:
        raise ValueError(f"Unknown notification channel(s) {sorted(unknown)}; use {Channel.values}.")
    messages = list(messages)
    now = timezone.now()
    priority = priority_of(event)
    unit_ids = {u.pk for m in messages for u in m.units if u.is_active}
    members: dict[int | None, list[User]] = {}
    if unit_ids:
        # One query for the members of all the units. A mediator or lawyer (nothing but personal roles) works
        # only the cases assigned to them: a notice to their unit would name cases they may not open.
        from django.db.models import Exists, OuterRef

        from unionserve.accounts.models import RoleGrant
        from unionserve.core.scope import PERSONAL_ROLES

        grants = RoleGrant.objects.filter(user=OuterRef("pk"))
        personal_only = Exists(grants.filter(role__in=PERSONAL_ROLES)) & ~Exists(grants.exclude(
            role__in=PERSONAL_ROLES))
        for member in (User.objects.filter(org_unit__in=unit_ids, is_active=True).exclude(personal_only)
                       .order_by("pk").only("pk", "email", "phone", "org_unit")):
            members.setdefault(member.org_unit_id, []).append(member)
    rows: list[Notification] = []
    for message in messages:
        texts = {channel: render(event, channel, message.context) for channel in channels}
        link = _check_link(message.link)
        seen: set[tuple[str, str]] = set()

        def add(channel: str, key: str, address: str = "", *, user=None, unit_id: int | None = None,
                texts=texts, link=link, seen=seen, message=message) -> None:
            # One message per recipient and per address on each channel, however they were reached.
            if (channel, key) in seen or (address and (channel, address) in seen):
                return
            seen.update({(channel, key), (channel, address)} if address else {(channel, key)})
            subject, body = texts[channel]
            rows.append(Notification(
                event=event, channel=channel, priority=priority, recipient_user=user, recipient_unit_id=unit_id,
                recipient_key=key, to_address=address, subject=subject, body=body, link=link,
                next_attempt_at=now, created_at=now, dedupe_key=message.dedupe_key,
            ))

        def add_user(user, unit_id: int | None, with_sms: bool, add=add) -> None:
            key = f"user:{user.pk}"
            if Channel.IN_APP in channels:
                add(Channel.IN_APP, key, user=user, unit_id=unit_id)
            if Channel.EMAIL in channels and user.email:
                add(Channel.EMAIL, key, user.email.strip(), user=user, unit_id=unit_id)
            if with_sms and Channel.SMS in channels and user.phone:
                add(Channel.SMS, key, user.phone.strip(), user=user, unit_id=unit_id)

        for unit in message.units:
            if not unit.is_active:
                continue
            for member in members.get(unit.pk, ()):
                add_user(member, member.org_unit_id, with_sms=False)
            if Channel.SMS in channels and unit.phone.strip():
                add(Channel.SMS, f"unit:{unit.pk}", unit.phone.strip(), unit_id=unit.pk)
        for user in message.users:
            if user.is_active:
                add_user(user, user.org_unit_id, with_sms=True)
    if not rows:
        return []

    with transaction.atomic():
        keys = {r.dedupe_key for r in rows if r.dedupe_key}
        if keys:
            # Leave out those already notified (so the result lists only new rows); ignore_conflicts covers a
            # concurrent run that inserts the same rows between this query and the insert.
            done = set(Notification.objects.filter(dedupe_key__in=keys, channel__in=channels)
                       .values_list("dedupe_key", "channel", "recipient_key"))
            rows = [r for r in rows if (r.dedupe_key, r.channel, r.recipient_key) not in done]
        Notification.objects.bulk_create(rows, batch_size=500, ignore_conflicts=bool(keys))
        if rows:
            # robust: a broker that is down must not turn a committed change into an error page; the rows
            # stay pending and the periodic run delivers them.
            transaction.on_commit(schedule_delivery, robust=True)
    return rows


@dataclass(frozen=True)
class Direct:
    """A message to an address outside the user directory (a member's mobile), its text already personalised."""

    #: Who it is for, e.g. ``member:123``: the outbox's recipient key (dedupe, delivery report).
    key: str
    address: str
    body: str
    unit_id: int | None = None
    subject: str = ""


def queue_direct(event: str, channel: str, messages: Iterable[Direct], *, due=None, dedupe_key: str | None = None,
                 priority: int | None = None) -> int:
    """Queue messages to people who are not users (a broadcast to members) in the outbox; returns the rows offered.

    The rows fall due at `due` (default now) and the periodic delivery sends them, so a caller can stagger a
    large appeal by giving later windows a later `due`. With `dedupe_key`, a recipient key already queued
    under that key on that channel is skipped by the unique constraint (a retried task queues nobody twice).
    Written in the caller's transaction, in bulk.
    """
    if channel not in Channel.values:
        raise ValueError(f"Unknown notification channel {channel!r}; use {Channel.values}.")
    now = timezone.now()
    rows = [Notification(
        event=event, channel=channel, priority=priority_of(event) if priority is None else priority,
        recipient_unit_id=m.unit_id, recipient_key=m.key, to_address=m.address.strip(), subject=m.subject,
        body=m.body, next_attempt_at=due or now, created_at=now, dedupe_key=dedupe_key,
    ) for m in messages]
    Notification.objects.bulk_create(rows, batch_size=500, ignore_conflicts=dedupe_key is not None)
    return len(rows)


def unread_count(user) -> int:
    """How many in-app notifications the user has not read (one count on a partial index)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.in_app_for(user).unread().count()


def mark_read(user, ids: Iterable[int] | Literal["all"]) -> int:
    """Mark some (ids) or all (ALL) of the user's own unread in-app notifications read; returns how many."""
    qs = Notification.objects.in_app_for(user).unread()
    if ids != ALL:
        qs = qs.filter(pk__in=[int(i) for i in ids])
    return qs.update(read_at=timezone.now())
