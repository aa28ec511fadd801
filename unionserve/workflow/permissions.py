"""Exactly which actions a user may take on a case now, with the fields each asks for.

The case page shows these as buttons, the API lists them, and `actions.perform` refuses anything
not in this list: one rule for every surface.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from unionserve.core.roles import SUPERVISE_CASES as SUPERVISE
from unionserve.core.scope import scope_of
from unionserve.core.text import StrOrPromise

from . import definitions as d
from .models import Case, Step, StepKind, StepStatus


@dataclass
class ActionSpec:
    """One action a user may take now."""

    code: str
    label: StrOrPromise
    fields: tuple[d.Field, ...] = ()
    style: str = "secondary"
    step: Step | None = None
    #: For transitions: the definition's transition.
    transition: d.Transition | None = None
    extra: dict = field(default_factory=dict)


COMMENT = d.Field("comment", _("Comment"), "textarea", required=False)
REASON = d.Field("comment", _("Reason"), "textarea")
FILES = d.Field("files", _("Attachments"), "file", required=False)


def _levels_ok(user, roles: frozenset[str], levels: frozenset[int]) -> bool:
    unit = user.org_unit
    return unit is not None and unit.level in levels and any(r in roles for r in user.role_names)


def my_open_steps(case: Case, user) -> list[Step]:
    if not user.org_unit_id:
        return []
    personal = scope_of(user).personal_user_id
    return [s for s in case.steps.all() if s.is_open and s.unit_id == user.org_unit_id
            and (personal is None or s.assignee_id == personal)]


def actions_for(case: Case, user) -> list[ActionSpec]:
    """The actions `user` may take on `case` right now (empty for read-only readers).

    Every action needs a role the process declares for it (`ProcessDefinition.roles_for`): a role that takes no
    part in the process, like the read-only auditor, is offered nothing even where its unit holds a step.
    """
    if not user.is_authenticated or not user.is_active or not user.org_unit_id:
        return []
    definition = case.definition
    return [s for s in _actions_for(case, user, definition) if definition.may_take(user, s.code)]


def _actions_for(case: Case, user, definition) -> list[ActionSpec]:
    specs: list[ActionSpec] = []
    steps = list(case.steps.all())
    mine = [s for s in steps if s.is_open and s.unit_id == user.org_unit_id]
    personal = scope_of(user).personal_user_id
    if personal is not None:
        # A mediator or lawyer acts only on the steps assigned to them, not on their unit's other work.
        mine = [s for s in mine if s.assignee_id == personal]
    for step in mine:
        if step.kind == StepKind.REVIEW_RETURN:
            specs.append(ActionSpec(d.OP_RULE_RETURN, _("Rule on the return"), (
                d.Field("decision", _("Decision"), "choice",
                        choices=(("redispatch", _("Dispatch to other units")),
                                 ("insist", _("Insist: send it back to the same unit")))),
                d.Field("units", _("Units"), "units", required=False,
                        help=_("For a new dispatch: type a unit's name, code or pinyin initials and pick it.")),
                REASON, FILES), "primary", step))
            continue
        if step.kind == StepKind.REVIEW_EXTENSION:
            specs.append(ActionSpec(d.OP_DECIDE_EXTENSION, _("Decide the extension request"), (
                d.Field("decision", _("Decision"), "choice",
                        choices=(("approve", _("Approve")), ("refuse", _("Refuse")))),
                COMMENT, FILES), "primary", step, extra={"days": step.data.get("days"),
                                                        "reason": step.data.get("reason")}))
            continue
        if step.status == StepStatus.PENDING_SIGN:
            specs.append(ActionSpec(d.OP_SIGN, _("Sign for it"), (), "primary", step))
        else:
            for t in definition.transitions_from(step.state):
                if _levels_ok(user, t.roles, t.levels):
                    fields = list(t.fields)
                    if t.kind == d.DISPATCH:
                        fields.insert(0, d.Field("units", _("Dispatch to"), "units",
                                                 help=_("Type a unit's name, code or pinyin initials and pick it; "
                                                        "one or more.")))
                        if t.filing:
                            fields.insert(1, d.Field("filed_units", _("Filing copies to"), "units",
                                                     required=False,
                                                     help=_("Units that receive a copy to follow the case "
                                                            "(备案).")))
                    specs.append(ActionSpec(t.code, t.label, (*fields, COMMENT, FILES), t.style, step, t))
        if step.state in definition.returnable and step.dispatcher_unit_id:
            specs.append(ActionSpec(d.OP_RETURN, _("Return it"), (
                d.Field("reason", _("Reason for returning"), "choice", choices=definition.return_reasons),
                REASON, FILES), "outline-danger", step))
        if step.status == StepStatus.OPEN and step.state in definition.extendable and step.due_at \
                and not step.extension_pending and step.dispatcher_unit_id:
            specs.append(ActionSpec(d.OP_REQUEST_EXTENSION, _("Ask for more time"), (
                d.Field("days", _("Extra days"), "int", min_value=1, max_value=definition.max_extension_days),
                REASON, FILES), "outline-secondary", step))
        if step.status == StepStatus.OPEN and step.state in definition.escalatable and (
                user.org_unit.region_parent_id or user.org_unit.industry_parent_id):
            specs.append(ActionSpec(d.OP_ESCALATE, _("Report it up a level"), (REASON, FILES),
                                    "outline-secondary", step))
        if personal is None:
            # Handing work to a colleague is the unit's call, not a mediator's or a lawyer's.
            specs.append(ActionSpec(d.OP_ASSIGN, _("Assign to a colleague"), (
                d.Field("assignee", _("Colleague (user name)"), "user"),), "outline-secondary", step))
    dispatched = [s for s in steps if s.is_open and s.kind == StepKind.WORK and personal is None
                  and s.dispatcher_unit_id == user.org_unit_id and s.unit_id != user.org_unit_id]
    if dispatched:
        specs.append(ActionSpec(d.OP_REASSIGN, _("Reassign to another unit"), (
            d.Field("step", _("Which dispatch"), "choice",
                    choices=tuple((str(s.pk), f"{s.unit.name}") for s in dispatched)),
            d.Field("unit", _("New unit"), "unit"), REASON), "outline-secondary",
            extra={"steps": dispatched}))
    urgeable = urgeable_steps(case, user, steps)
    if urgeable:
        specs.append(ActionSpec(d.OP_URGE, _("Urge"), (
            d.Field("kind", _("Kind"), "choice",
                    choices=(("urge", _("Urge (催办)")), ("supervise", _("Supervise (督办)")))),
            d.Field("comment", _("Message"), "textarea"),), "outline-warning", extra={"steps": urgeable}))
    if case.is_closed and definition.reopen and case.state in definition.reopen.from_states \
            and _levels_ok(user, definition.reopen.roles, definition.reopen.levels) \
            and case.access.filter(unit_id=user.org_unit_id).exclude(kind="filed").exists():
        specs.append(ActionSpec(d.OP_REOPEN, _("Reopen"), (REASON,), "outline-danger"))
    if personal is not None:
        # A personal user notes only on cases they take part in.
        may_note = bool(mine) or case.assignee_id == personal or any(s.assignee_id == personal for s in steps)
    else:
        may_note = bool(mine) or case.access.filter(unit_id=user.org_unit_id).exclude(kind="filed").exists()
    if may_note:
        specs.append(ActionSpec(d.OP_COMMENT, _("Add a note"), (
            d.Field("comment", _("Note"), "textarea"), FILES), "outline-secondary"))
    return specs


def urgeable_steps(case: Case, user, steps: list[Step] | None = None) -> list[Step]:
    """Open steps the user may chase, if they may supervise: those of units below their unit (an upper level),
    and those their own unit sent (the 12351 platform chases the city department it referred a question to,
    a peer at level 1)."""
    definition = case.definition
    roles = definition.supervisor_roles
    if not (user.has_perm(SUPERVISE) or (roles and any(r in roles for r in user.role_names))):
        return []
    scope = scope_of(user)
    steps = steps if steps is not None else list(case.steps.all())
    return [s for s in steps if s.is_open and s.unit_id != user.org_unit_id
            and (s.unit.level > user.org_unit.level or s.dispatcher_unit_id == user.org_unit_id)
            and scope.contains_unit(s.unit)]
