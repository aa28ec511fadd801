"""Keep a lawyer's login off the unit's own work after the case file is reported.

The engine lets the next step of the same unit keep the previous step's assignee (TO_SAME): right for a
mediator who carries on, wrong after the lawyer reports the file — collecting and reviewing the file is
the staff's work. A step of a legal-aid case held by a personal user (lawyer only) outside the
"representing" state is therefore handed back to the unit (the lawyer still reads the case: they were the
assignee of the earlier step).
"""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from unionserve.core.scope import is_personal_user
from unionserve.workflow.models import Step

#: The states in which a lawyer holds the step.
LAWYER_STATES = frozenset({"representing"})


@receiver(post_save, sender=Step, dispatch_uid="legalaid_unassign_lawyer")
def unassign_lawyer_from_staff_steps(sender, instance: Step, **kwargs) -> None:
    from .process import PROCESSES

    if (instance.process in PROCESSES and instance.is_open and instance.assignee_id
            and instance.state not in LAWYER_STATES and is_personal_user(instance.assignee)):
        Step.objects.filter(pk=instance.pk).update(assignee=None)
        instance.assignee = None
