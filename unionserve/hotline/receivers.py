"""Facts the engine's generic operations imply for a 12351 request (they have no effect hook)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from unionserve.workflow.models import CaseEvent

from .models import HotlineRequest

#: Timeline actions that count as the first response to a request: a handler signing for an affair, an
#: answer, a feedback. Other processes' events match no request row, so the update is a no-op for them.
FIRST_RESPONSE_ACTIONS = frozenset({"sign", "answer", "specialist_answer", "feedback"})


@receiver(post_save, sender=CaseEvent, dispatch_uid="hotline_first_response")
def note_response(sender, instance: CaseEvent, created: bool, **kwargs) -> None:
    if not created:
        return
    if instance.action in FIRST_RESPONSE_ACTIONS:
        HotlineRequest.objects.filter(case_id=instance.case_id, first_response_at__isnull=True).update(
            first_response_at=instance.at)
    elif instance.action == "reopen":
        HotlineRequest.objects.filter(case_id=instance.case_id).update(archived_at=None)
