"""Mediation's own records: appointing a mediator (the engine's `appoint_mediator` transition calls the hooks
here), keeping the registry. Cases, steps and the timeline are the engine's: nothing here writes them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core.scope import scope_of
from unionserve.core.text import strip_text
from unionserve.workflow import actions as engine
from unionserve.workflow.errors import ActionRefused
from unionserve.workflow.models import Case, Step, StepKind
from unionserve.workflow.permissions import actions_for

from .models import MediationCase, Mediator
from .rules import load_of

#: States in which the unit holding the case appoints (or changes) its mediator: the `appoint_mediator`
#: transition of the process (kind APPOINT: the case stays where it is).
APPOINTING_STATES = ("dispatched", "mediating", "station_mediating", "district_mediating", "city_mediating")
APPOINT = "appoint_mediator"


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
    spec = next((s for s in actions_for(case, user) if s.code == APPOINT), None)
    if spec is None or spec.step is None or spec.step.kind != StepKind.WORK:
        return None
    return spec.step


def _mediator(data: dict) -> Mediator | None:
    raw = strip_text(data.get("mediator"))
    return Mediator.objects.select_related("user").filter(pk=int(raw)).first() if raw.isdigit() else None


def guard_appointment(case: Case, data: dict) -> str | None:
    """The mediator is active, of the unit that holds the case, and has room for one more case."""
    mediator = _mediator(data)
    if mediator is None:
        return _("Choose a mediator from the registry (the mediation panel of the case).")
    if not case.steps.filter(is_open=True, kind=StepKind.WORK, unit_id=mediator.unit_id).exists():
        return _("%(name)s is a mediator of another unit.") % {"name": mediator.name}
    if not mediator.active:
        return _("%(name)s is not an active mediator.") % {"name": mediator.name}
    mediator = Mediator.objects.select_for_update().get(pk=mediator.pk)  # two appointments at once: one counts
    current = MediationCase.objects.filter(case=case).values_list("mediator_id", flat=True).first()
    if current != mediator.pk and load_of(mediator) >= mediator.max_load:
        return (_("%(name)s already has %(n)s open cases, the most allowed. Choose another mediator.")
                % {"name": mediator.name, "n": mediator.max_load})
    return None


def mediator_login(case: Case, data: dict):
    """The engine's `assignee_from` hook: the appointed mediator's login of their own unit, if they have one.

    With it, the step is the mediator's (their inbox; as a mediator-only user, only they work it); without
    one, the unit's staff work the case and the mediation record names the mediator.
    """
    mediator = _mediator(data)
    if mediator is None:
        return None
    user = mediator.user
    if user is not None and user.is_active and user.org_unit_id == mediator.unit_id:
        return user
    return None


def on_appoint(case: Case, data: dict, actor) -> None:
    """Effect of `appoint_mediator` inside the engine's transaction: the mediation record and the mediator's notice."""
    mediator = _mediator(data)
    assert mediator is not None  # guard_appointment refused the transition without one
    mc = MediationCase.objects.select_for_update().get(case=case)
    previous = mc.mediator
    mc.mediator = mediator
    mc.mediator_appointed_at = timezone.now()
    mc.version += 1
    mc.save(update_fields=["mediator", "mediator_appointed_at", "version"])
    if mediator.user is not None and mediator.user.is_active:
        _tell_mediator(case, mediator.user, actor)
    # The engine writes the timeline from `data` after this effect: the name, not the registry number.
    data["mediator"] = mediator.name + (f"（{_('replaces %(name)s') % {'name': previous.name}}）"
                                        if previous is not None and previous.pk != mediator.pk else "")


@transaction.atomic
def appoint_mediator(case: Case, mediator: Mediator, *, acting_user, version: int, request=None) -> MediationCase:
    """Appoint `mediator` (of the unit that holds the case) to `case` through the engine.

    The same `perform` call as `POST /api/work/cases/{number}/actions/appoint_mediator` with
    ``{"mediator": <id>}``: when the mediator has an account in that unit, the engine gives them the case's
    step. Refused when the user may not appoint now, the mediator is of another unit, inactive or full, or
    the case changed since `version`.
    """
    step = appointing_step(case, acting_user)
    if step is None:
        raise ActionRefused(_("Only the unit that holds the case can appoint its mediator, while it is mediated."))
    engine.perform(case, APPOINT, actor=acting_user, data={"mediator": str(mediator.pk)}, version=version,
                   step_id=step.pk, request=request)
    return MediationCase.objects.get(case=case)


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
