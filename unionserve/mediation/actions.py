"""State changes of mediation outside the engine's transitions: appointing a mediator, keeping the registry."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core.scope import scope_of
from unionserve.workflow import actions as engine
from unionserve.workflow.errors import ActionRefused, StaleCase
from unionserve.workflow.models import Case, Step, StepKind
from unionserve.workflow.permissions import actions_for
from unionserve.workflow.timeline import append_event

from .models import MediationCase, Mediator
from .rules import load_of

#: States in which the unit holding the case appoints (or changes) its mediator.
APPOINTING_STATES = frozenset({"dispatched", "mediating", "station_mediating", "district_mediating",
                               "city_mediating"})


class StaleRecord(ValidationError):
    """Someone else changed the record since this form was loaded."""

    def __init__(self):
        super().__init__(_("Someone else changed this record meanwhile. Reload the page and try again."),
                         code="stale")


def appointing_step(case: Case, user) -> Step | None:
    """The open step through which `user` may appoint a mediator now (their unit holds the case), else None."""
    if case.is_closed or case.state not in APPOINTING_STATES:
        return None
    if scope_of(user).is_personal:
        return None  # a mediator works the case; the unit's staff appoint (and change) mediators
    spec = next((s for s in actions_for(case, user) if s.code == "assign"), None)
    if spec is None or spec.step is None or spec.step.kind != StepKind.WORK:
        return None
    return spec.step


@transaction.atomic
def appoint_mediator(case: Case, mediator: Mediator, *, acting_user, version: int) -> MediationCase:
    """Appoint `mediator` (of the unit that holds the case) to `case`.

    When the mediator has an account in that unit, the case's step is assigned to them, so it is in their
    inbox and they — and, as a mediator-only user, only they — work it. Refused when the user may not
    appoint now, the mediator is of another unit, inactive or full, or the case changed since `version`.
    """
    step = appointing_step(case, acting_user)
    if step is None:
        raise ActionRefused(_("Only the unit that holds the case can appoint its mediator, while it is mediated."))
    if case.version != version:
        raise StaleCase()
    mediator = Mediator.objects.select_for_update().get(pk=mediator.pk)
    if mediator.unit_id != step.unit_id:
        raise ActionRefused(_("%(name)s is a mediator of another unit.") % {"name": mediator.name})
    if not mediator.active:
        raise ActionRefused(_("%(name)s is not an active mediator.") % {"name": mediator.name})
    mc = MediationCase.objects.select_for_update().get(case=case)
    if mc.mediator_id != mediator.pk and load_of(mediator) >= mediator.max_load:
        raise ActionRefused(_("%(name)s already has %(n)s open cases, the most allowed. Choose another mediator.")
                            % {"name": mediator.name, "n": mediator.max_load})
    previous = mc.mediator
    mc.mediator = mediator
    mc.mediator_appointed_at = timezone.now()
    mc.version += 1
    mc.save(update_fields=["mediator", "mediator_appointed_at", "version"])
    user = mediator.user
    if user is not None and user.is_active and user.org_unit_id == step.unit_id:
        # The engine's own assignment: timeline entry, the step and the case get the mediator as assignee.
        engine.perform(case, "assign", actor=acting_user, data={"assignee": user.username}, version=version,
                       step_id=step.pk)
    elif not Case.objects.filter(pk=case.pk, version=version).update(version=F("version") + 1):
        raise StaleCase()  # someone acted on the case meanwhile: the whole appointment rolls back
    if user is not None and user.is_active:
        _tell_mediator(case, user, acting_user)
    append_event(case, "mediator_appointed", _("Mediator appointed"), actor=acting_user,
                 fields=[[_("Mediator"), mediator.name]] + ([[_("Replaces"), previous.name]] if previous else []),
                 data={"mediator": mediator.pk})
    return mc


def _tell_mediator(case: Case, user, acting_user) -> None:
    """In-app notice and text message to the appointed mediator (the outbox sends them after commit)."""
    from django.urls import reverse

    from unionserve.notifications.api import notify

    notify("mediation.appointed", users=[user], channels=("in_app", "sms"),
           context={"number": case.number, "process": str(case.definition.label), "title": case.title,
                    "unit": acting_user.org_unit.name},
           link=reverse("workflow:case", args=[case.number]))


MEDIATOR_FIELDS = ("unit", "user", "name", "phone", "specialties", "active", "max_load")


def _check_user(mediator: Mediator) -> None:
    user = mediator.user
    if user is not None and user.org_unit_id != mediator.unit_id:
        raise ValidationError(_("The user account %(user)s belongs to another unit; a mediator's account must be "
                                "of the mediator's own unit.") % {"user": user.username})


@transaction.atomic
def create_mediator(*, acting_user, **values) -> Mediator:
    mediator = Mediator(**{k: values[k] for k in MEDIATOR_FIELDS if k in values})
    _check_user(mediator)
    mediator.save()
    record(AuditAction.MEDIATOR_CHANGED, actor=acting_user, obj=mediator, unit=mediator.unit,
           detail={"created": True, "name": mediator.name})
    return mediator


@transaction.atomic
def update_mediator(mediator: Mediator, *, acting_user, version: int, **values) -> Mediator:
    """Save changes if nobody saved the mediator since `version`; the audit log keeps what changed."""
    changes = {k: v for k, v in values.items() if k in MEDIATOR_FIELDS and getattr(mediator, k) != v}
    for key, value in changes.items():
        setattr(mediator, key, value)
    _check_user(mediator)
    updated = Mediator.objects.filter(pk=mediator.pk, version=version).update(
        **{k: getattr(mediator, k) for k in changes}, version=F("version") + 1)
    if not updated:
        raise StaleRecord()
    mediator.refresh_from_db()
    record(AuditAction.MEDIATOR_CHANGED, actor=acting_user, obj=mediator, unit=mediator.unit,
           detail={"changed": sorted(changes), "name": mediator.name})
    return mediator
