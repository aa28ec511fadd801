"""Operator changes to the outbox, each recorded in the audit log in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from unionserve.audit.log import record

from .models import Status
from .tasks import schedule_delivery

# Not (yet) a member of audit.models.AuditAction; the audit log stores the code as given.
OUTBOX_RETRIED = "outbox_retried"


@transaction.atomic
def retry_failed(notifications: QuerySet, *, acting_user, request=None) -> int:
    """Queue the failed rows of `notifications` (already narrowed to the operator's scope) again, from attempt 0."""
    ids = list(notifications.filter(status=Status.FAILED).values_list("pk", flat=True))
    if not ids:
        return 0
    count = notifications.model.objects.filter(pk__in=ids, status=Status.FAILED).update(
        status=Status.PENDING, attempts=0, next_attempt_at=timezone.now(), claim_token="", claimed_at=None
    )
    record(OUTBOX_RETRIED, actor=acting_user, request=request, detail={"count": count, "ids": ids[:100]})
    transaction.on_commit(schedule_delivery, robust=True)
    return count
