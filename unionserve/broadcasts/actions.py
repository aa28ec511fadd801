"""Every change to a broadcast, one function each, with the audit log in the same transaction.

create → (edit while a draft) → confirm_and_send (the count is checked again against what the sender saw) →
the background task queues the messages (sending.py) → done; cancel stops it at any point before done.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core import roles
from unionserve.members.public import Member
from unionserve.notifications.models import Notification, Status

from . import rules, selection
from .models import Broadcast, BroadcastStatus


class BroadcastError(Exception):
    """A change that cannot be made; the message says why and what to do."""


class CountChanged(BroadcastError):
    """The selection no longer has the number of recipients the sender confirmed."""

    def __init__(self, counts: selection.Counts, expected: int) -> None:
        self.counts = counts
        self.expected = expected
        super().__init__(_("The number of recipients changed from %(old)s to %(new)s since you looked. "
                           "Check the new count and confirm again.") % {"old": expected, "new": counts.with_phone})


def _check_sender(user) -> None:
    if not user.has_perm(roles.SEND_BROADCAST):
        raise PermissionDenied(_("You may not send broadcast appeals."))
    if not user.is_superuser and not user.org_unit_id:
        raise PermissionDenied(_("Your account has no unit; ask an administrator."))


def _clean(title: str, body: str, criteria: dict) -> tuple[str, str, dict]:
    title, body = title.strip(), body.strip()
    if not title or not body:
        raise BroadcastError(_("Give the appeal a title and a text."))
    if len(body) > rules.MAX_LENGTH:
        raise BroadcastError(_("The text is %(n)s characters long; at most %(max)s fit.")
                             % {"n": len(body), "max": rules.MAX_LENGTH})
    try:
        rules.check_text(body)
    except rules.TextError as exc:
        raise BroadcastError(str(exc)) from exc
    return title, body, {k: v for k, v in criteria.items() if k in selection.CRITERIA_KEYS and v}


@transaction.atomic
def create_broadcast(*, title: str, body: str, criteria: dict, acting_user) -> Broadcast:
    """A draft appeal of the sender's unit (nothing is sent yet)."""
    _check_sender(acting_user)
    title, body, criteria = _clean(title, body, criteria)
    unit = acting_user.org_unit
    if unit is None:  # a superuser without a unit: the root of the regional line
        from unionserve.orgs.models import OrgUnit

        unit = OrgUnit.objects.filter(region_parent__isnull=True, industry_parent__isnull=True).order_by("pk").first()
    return Broadcast.objects.create(title=title, body=body, criteria=criteria, created_by=acting_user, unit=unit)


@transaction.atomic
def update_broadcast(broadcast: Broadcast, *, title: str, body: str, criteria: dict, version: int,
                     acting_user) -> Broadcast:
    """Change a draft; `version` is the one the sender edited (someone else's change in between is refused)."""
    _check_sender(acting_user)
    title, body, criteria = _clean(title, body, criteria)
    updated = Broadcast.objects.filter(pk=broadcast.pk, version=version, status=BroadcastStatus.DRAFT).update(
        title=title, body=body, criteria=criteria, version=version + 1)
    if not updated:
        raise BroadcastError(_("This appeal was changed or confirmed meanwhile; reload the page."))
    broadcast.refresh_from_db()
    return broadcast


@transaction.atomic
def confirm_and_send(broadcast: Broadcast, *, expected: int, version: int, acting_user, request=None) -> Broadcast:
    """Confirm a draft for `expected` recipients and start sending (in the background, at the configured rate).

    The count is computed again here: when it differs from what the sender saw, nothing changes and
    CountChanged carries the new figures. Members created after this moment are not added.
    """
    _check_sender(acting_user)
    locked = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
    if locked.status != BroadcastStatus.DRAFT or locked.version != version:
        raise BroadcastError(_("This appeal was changed, confirmed or cancelled meanwhile; reload the page."))
    max_member_id = Member.objects.aggregate(m=Max("pk"))["m"] or 0
    counts = selection.count(acting_user, locked.criteria, max_member_id=max_member_id)
    if counts.with_phone != expected:
        raise CountChanged(counts, expected)
    if counts.with_phone == 0:
        raise BroadcastError(_("No selected member has a mobile on record: there is nobody to send to."))
    now = timezone.now()
    Broadcast.objects.filter(pk=locked.pk).update(
        status=BroadcastStatus.CONFIRMED, recipients=counts.with_phone, without_phone=counts.without_phone,
        max_member_id=max_member_id, rate_per_minute=rules.rate_per_minute(), confirmed_at=now,
        confirmed_by=acting_user, version=version + 1)
    locked.refresh_from_db()
    record(AuditAction.BROADCAST_SENT, actor=acting_user, request=request, obj=locked, unit=locked.unit,
           detail={"step": "confirmed", "title": locked.title, "criteria": locked.criteria,
                   "recipients": counts.with_phone, "without_phone": counts.without_phone,
                   "rate_per_minute": locked.rate_per_minute})
    from .tasks import send_broadcast

    # robust: with a broker that is down the broadcast stays confirmed; `manage.py send_broadcasts` resumes it.
    transaction.on_commit(lambda: send_broadcast.delay(locked.pk), robust=True)
    return locked


@transaction.atomic
def cancel_broadcast(broadcast: Broadcast, *, version: int, acting_user, request=None) -> int:
    """Stop an appeal that is not done: no more messages are queued, queued ones not yet sent are cancelled.

    Returns how many queued messages were cancelled.
    """
    _check_sender(acting_user)
    locked = Broadcast.objects.select_for_update().get(pk=broadcast.pk)
    if locked.status not in (BroadcastStatus.DRAFT, *Broadcast.OPEN):
        raise BroadcastError(_("This appeal is %(status)s and can no longer be cancelled.")
                             % {"status": locked.get_status_display()})
    if locked.version != version:
        raise BroadcastError(_("This appeal was changed meanwhile; reload the page."))
    Broadcast.objects.filter(pk=locked.pk).update(status=BroadcastStatus.CANCELLED, finished_at=timezone.now(),
                                                  cancelled_by=acting_user, version=version + 1)
    stopped = Notification.objects.filter(dedupe_key=locked.dedupe_key, status=Status.PENDING).update(
        status=Status.CANCELLED)
    if locked.status != BroadcastStatus.DRAFT:
        record(AuditAction.BROADCAST_SENT, actor=acting_user, request=request, obj=locked, unit=locked.unit,
               detail={"step": "cancelled", "queued": locked.queued, "cancelled_messages": stopped})
    broadcast.refresh_from_db()
    return stopped
