"""Processes declared as data: states, transitions, who may act, deadlines.

A process is one `ProcessDefinition`, written in the `process.py` of the app that owns it and
registered with `workflow.registry.register`. The engine (`actions.py`) runs every process the same
way; nothing in it knows a particular process. `ProcessDefinition.validate()` refuses a broken
definition at start-up with a message that says what to fix. See docs/workflow.md.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from unionserve import policy
from unionserve.core.text import StrOrPromise
from unionserve.workcalendar.service import Rule

from . import policies

# Generic operations the engine offers every process (besides the definition's own transitions).
OP_SIGN = "sign"  # 签收
OP_RETURN = "return"  # 退单
OP_RULE_RETURN = "rule_return"  # the dispatcher re-dispatches or insists after a return
OP_REQUEST_EXTENSION = "request_extension"  # 延期申请
OP_DECIDE_EXTENSION = "decide_extension"  # 延期审批
OP_URGE = "urge"  # 督办/催办
OP_ASSIGN = "assign"  # give my unit's step to one of my colleagues
OP_REASSIGN = "reassign"  # 改派: the dispatcher moves a step to another unit
OP_ESCALATE = "escalate"  # 上报: hand the step up to the parent unit
OP_REOPEN = "reopen"  # 重启: reopen a closed case
OP_COMMENT = "comment"  # a note on the timeline, no state change
GENERIC_OPERATIONS = (
    OP_SIGN, OP_RETURN, OP_RULE_RETURN, OP_REQUEST_EXTENSION, OP_DECIDE_EXTENSION, OP_URGE, OP_ASSIGN,
    OP_REASSIGN, OP_ESCALATE, OP_REOPEN, OP_COMMENT,
)

# Kinds of transition.
MOVE = "move"  # complete my step; the case moves on when no other step of this state is open (join)
DISPATCH = "dispatch"  # complete my step and open one step per chosen unit in the target state (fork)
#: The case stays in its state with the same step, unit and deadline; the step is given to one person of the unit
#: (e.g. a mediator appointed from the area's registry). Declared with `target=""` and an `assignee_from`.
APPOINT = "appoint"

# Where the step after a MOVE goes.
TO_DISPATCHER = "dispatcher"  # back to the unit that dispatched the step (feedback goes up)
TO_SAME = "same"  # stays with the acting unit
TO_OWNER = "owner"  # to the unit that opened the case
TO_PARENT = "parent"  # up to the acting unit's parent on the regional (else industry) line
TO_UPPER_LEVEL = "upper_level"  # up to the nearest ancestor at a higher platform level (a grassroots union → district)


class DefinitionError(Exception):
    """A process definition that cannot run; the message says what to fix."""


def _policy_problems(state: str, deadline: Deadline) -> list[str]:
    """A deadline's policy key must be registered, and be days of the deadline's own kind."""
    try:
        param = policy.parameter(deadline.policy)
    except KeyError:
        return [f"state {state!r} takes its deadline from the unregistered policy {deadline.policy!r}"]
    wanted = {Rule.WORKING_DAYS: policy.Kind.WORKING_DAYS, Rule.CALENDAR_DAYS: policy.Kind.DAYS}.get(deadline.rule)
    if param.kind != wanted:
        return [f"state {state!r} counts {deadline.rule} but the policy {deadline.policy!r} is {param.kind}"]
    return []


@dataclass(frozen=True)
class Deadline:
    """How long a step in a state may take, counted from entering the state (seed wording in `source`).

    The length is a policy parameter (``policy``, a key registered in the area's policies.py) whose value in
    force on the day the clock starts is used, so the city office can change it in the policy pages; the
    step records the version it used. Give the key where the plain number would go:
    ``Deadline.working_days(policies.HANDLE_DAYS, "7个工作日内反馈")``. A literal `n` is for tests and examples.
    """

    rule: Rule
    n: int = 0
    source: str = ""
    #: Count from when the case's latest step in this other state was opened (e.g. "15日内办结" counted from
    #: receiving the dispatch while a handling plan was due first), instead of from entering this state.
    since: str = ""
    #: The policy key that gives the length (n is then unused).
    policy: str = ""

    @classmethod
    def _make(cls, rule: Rule, n: int | str, source: str, since: str) -> Deadline:
        if isinstance(n, str):
            return cls(rule, 0, source, since, policy=n)
        return cls(rule, n, source, since)

    @classmethod
    def working_days(cls, n: int | str, source: str = "", *, since: str = "") -> Deadline:
        """N个工作日; `n` is a policy key (or, in tests, a number)."""
        return cls._make(Rule.WORKING_DAYS, n, source, since)

    @classmethod
    def days(cls, n: int | str, source: str = "", *, since: str = "") -> Deadline:
        """N日 (calendar days, Civil-Code count); `n` is a policy key (or, in tests, a number)."""
        return cls._make(Rule.CALENDAR_DAYS, n, source, since)

    @classmethod
    def same_day(cls, source: str = "", *, since: str = "") -> Deadline:
        return cls(Rule.SAME_DAY, 0, source, since)

    @property
    def default_n(self) -> int:
        """The length without reading the database: the policy's seed default, or `n`."""
        if self.policy:
            return int(policy.parameter(self.policy).default)
        return self.n

    def length(self, on: dt.date | dt.datetime | None = None) -> tuple[int, Any]:
        """The length in force on `on` and the PolicyValue it came from (None for a literal length)."""
        if not self.policy:
            return self.n, None
        used = policy.value(self.policy, on)
        return int(used.value), used

    def _text(self, n: int) -> str:
        if self.rule == Rule.WORKING_DAYS:
            return f"{n}个工作日"
        if self.rule == Rule.CALENDAR_DAYS:
            return f"{n}日"
        return "当天"

    def describe(self) -> str:
        """The rule with the seed default (stable, for the generated process documents)."""
        text = self._text(self.default_n)
        return f"{text}〔{self.policy}〕" if self.policy else text

    def describe_in_force(self) -> str:
        """The rule with the length in force today (for pages)."""
        if not self.policy:
            return self._text(self.n)
        n, used = self.length()
        return f"{self._text(n)}〔{self.policy} v{used.version}〕"


@dataclass(frozen=True)
class State:
    code: str
    label: StrOrPromise
    deadline: Deadline | None = None
    final: bool = False
    #: The clock stops here (e.g. waiting for the worker's documents); time here is not counted.
    paused: bool = False


@dataclass(frozen=True)
class Field:
    """An input an action asks for. kind: text, textarea, choice, units, unit, user, int, date, file."""

    name: str
    label: StrOrPromise
    kind: str = "text"
    required: bool = True
    choices: tuple[tuple[str, StrOrPromise], ...] = ()
    help: StrOrPromise = ""
    min_value: int | None = None
    max_value: int | None = None


FIELD_KINDS = {"text", "textarea", "choice", "units", "unit", "user", "int", "date", "file"}


@dataclass(frozen=True)
class Transition:
    """A step of the process: who (roles at levels) may take it from which states to which state."""

    code: str
    label: StrOrPromise
    source: tuple[str, ...]
    target: str
    roles: frozenset[str]
    levels: frozenset[int]
    kind: str = MOVE
    fields: tuple[Field, ...] = ()
    #: For MOVE: which unit holds the next step (TO_DISPATCHER, TO_SAME, TO_OWNER, TO_PARENT).
    next_unit: str = TO_DISPATCHER
    #: For DISPATCH: platform levels the chosen units must be at.
    target_levels: frozenset[int] = frozenset({1, 2, 3})
    #: For DISPATCH: offer filing copies (备案) to other units.
    filing: bool = False
    #: initial(case, user) -> dict: what the case page pre-fills in this action's form, e.g. the suggested units.
    initial: Callable[[Any, Any], dict] | None = None
    #: guard(case, data) -> None when allowed, else the reason it is refused (shown to the user).
    guard: Callable[[Any, dict], str | None] | None = None
    #: effect(case, data, actor) runs inside the action's transaction, e.g. to save process data.
    effect: Callable[[Any, dict, Any], None] | None = None
    style: str = "primary"
    #: Taken on the page through the area's own panel or page (which lets people pick, e.g. a mediator from the
    #: registry or a firm by capacity), so the case page's generic form, which could only ask for a code, is
    #: not offered; the API takes the action as usual, through the same `perform`.
    panel_only: bool = False
    #: assignee_from(case, data) -> User | None: the login that personally holds the step this transition opens
    #: (APPOINT: the actor's own step), e.g. a lawyer or mediator the actor picked from the area's registry. The
    #: engine calls it inside `perform`, before the effect, and writes the step's and the case's assignee itself,
    #: so every surface (page, API) gets the same result. None: the unit holds the step (a person without a login).
    #: The engine refuses a user who is inactive or not of the unit that holds the step.
    assignee_from: Callable[[Any, dict], Any | None] | None = None
    #: For TO_SAME: the next step keeps this step's assignee (an appointed mediator carries on). False hands it back
    #: to the unit (after a lawyer reports the case file, the unit's staff collect it).
    keep_assignee: bool = True
    #: The name of a `date` field of this transition: when the actor fills it, the steps the transition opens are
    #: due at the end of that day instead of the state's deadline (a time limit set per case, 派单时限), never
    #: later than the state's (or `deadline_for`'s) deadline and never in the past.
    due_field: str = ""
    #: For MOVE: unit_from(case, data) -> OrgUnit | None names the unit that holds the next step when it is not one
    #: `next_unit` can reach from the actor (a district's claim goes to the city's mutual-insurance office, a
    #: functional department, not to the district's parent). None falls back to `next_unit`. The acting unit is
    #: recorded as the step's dispatcher.
    unit_from: Callable[[Any, dict], Any | None] | None = None


@dataclass(frozen=True)
class Opening:
    """Who may open a case of this process, and the fields they give."""

    roles: frozenset[str]
    levels: frozenset[int]
    fields: tuple[Field, ...] = ()
    #: effect(case, data, actor) runs when the case is opened, e.g. to create the process's own record.
    #: What it returns is not used.
    effect: Callable[[Any, dict, Any], object] | None = None
    #: An opening field whose value the engine writes as the case's `subject_name` (whom it concerns) when the
    #: caller gave none.
    subject_field: str = ""
    #: The name of a `date` opening field holding the day the matter was received, when it may be earlier than the
    #: day the case is entered (a paper application registered the next day). The first step's deadline counts from
    #: that day ("自接到申请之日起"), not from the entry. The engine refuses a day in the future or more than
    #: `clock_from_max_days` days back, uses today when the field is empty, and records an earlier day in the
    #: timeline and the audit log.
    clock_from: str = ""
    clock_from_max_days: int = 30
    #: The first state by the level of the opening unit, where it differs from `initial`: ((level, state), ...) —
    #: e.g. an application received at a district's own window starts at the district's review, not at a
    #: station's forwarding.
    initial_at: tuple[tuple[int, str], ...] = ()

    def initial_for(self, level: int, default: str) -> str:
        """The state a case opened at a unit of `level` starts in."""
        return dict(self.initial_at).get(level, default)


@dataclass(frozen=True)
class Reopen:
    from_states: tuple[str, ...]
    to_state: str
    roles: frozenset[str]
    levels: frozenset[int]


DEFAULT_RETURN_REASONS = (
    ("not_ours", "不属于本单位职责"),
    ("wrong_area", "不在本辖区"),
    ("duplicate", "重复派单"),
    ("insufficient", "信息不全，无法办理"),
    ("other", "其他"),
)


@dataclass(frozen=True)
class ProcessDefinition:
    """One process. `code` is stored on cases; `prefix` starts case numbers (e.g. RX20261126-0012)."""

    code: str
    label: StrOrPromise
    prefix: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    opening: Opening
    initial: str
    description: StrOrPromise = ""
    #: States whose steps may be returned, get extensions and be escalated (usually the dispatched ones).
    returnable: frozenset[str] = frozenset()
    extendable: frozenset[str] = frozenset()
    escalatable: frozenset[str] = frozenset()
    #: The longest extension one request may ask for, in the state's own day rule.
    max_extension_days: int = 10
    #: Steps dispatched in these states must be signed for (签收) before they are handled.
    sign_required: frozenset[str] = frozenset()
    return_reasons: tuple[tuple[str, str], ...] = DEFAULT_RETURN_REASONS
    #: How long the dispatcher has to rule on a return or an extension request.
    review_deadline: Deadline = field(default_factory=lambda: Deadline.working_days(policies.REVIEW_DAYS))
    reopen: Reopen | None = None
    #: On overdue: "notify" (handler and dispatcher) or "escalate" (also opens a supervision record up a level).
    on_overdue: str = "notify"
    #: Roles that may urge (督办) cases of this process from an upper level.
    supervisor_roles: frozenset[str] = frozenset()
    #: Called as ``on_redispatch(case, new_steps, actor)`` inside the engine's transaction when a generic
    #: operation hands the work to other units (a return ruled as re-dispatch, a reassignment), so a process
    #: can bring its own records up to date — e.g. a notice naming the unit that now handles the case.
    on_redispatch: Callable[..., None] | None = None
    #: Called as ``deadline_for(case, state)`` whenever the engine opens a work step in `state` (a dispatch, a
    #: re-dispatch after a return, a report up): a per-case Deadline that replaces the state's own, or None to keep
    #: it — e.g. a sample check's period comes from the policy version its run used.
    deadline_for: Callable[[Any, str], Deadline | None] | None = None
    #: Who may take the engine's generic operations (sign, return, extension, escalate, assign, reassign, the
    #: rulings on returns and extensions, a note) on this process's cases, by operation, on top of the engine's own
    #: conditions (an open step of the user's unit, the dispatcher's unit...). An operation not named here is open
    #: to the process's acting roles (`acting_roles`: every role its opening, transitions and reopen name), so a
    #: role that takes no part in the process (the read-only auditor) acts on nothing. Urging (督办) is governed by
    #: the supervise permission and `supervisor_roles`, reopening by `reopen.roles`.
    operation_roles: Mapping[str, frozenset[str]] = field(default_factory=dict)

    # --- who may act ----------------------------------------------------------------------------

    @property
    def acting_roles(self) -> frozenset[str]:
        """Every role that takes part in this process: its opening's, its transitions' and its reopen's roles."""
        roles = set(self.opening.roles)
        for t in self.transitions:
            roles |= t.roles
        if self.reopen:
            roles |= self.reopen.roles
        return frozenset(roles)

    def roles_for(self, action: str) -> frozenset[str] | None:
        """The roles that may take `action` (a transition or a generic operation) on this process's cases; None for
        urging, which the supervise permission or `supervisor_roles` governs, and for an unknown action."""
        if action == OP_URGE:
            return None
        if action == OP_REOPEN:
            return self.reopen.roles if self.reopen else frozenset()
        if action in GENERIC_OPERATIONS:
            return self.operation_roles.get(action, self.acting_roles)
        try:
            return self.transition(action).roles
        except KeyError:
            return None

    def may_take(self, user, action: str) -> bool:
        """Whether one of `user`'s roles may take `action` on this process at all (the engine's own conditions, the
        step, the unit and the scope, come on top: see `workflow.permissions.actions_for`)."""
        roles = self.roles_for(action)
        return roles is None or any(r in roles for r in user.role_names)

    # --- look-ups ---------------------------------------------------------------------------

    def state(self, code: str) -> State:
        for s in self.states:
            if s.code == code:
                return s
        raise KeyError(code)

    def transition(self, code: str) -> Transition:
        for t in self.transitions:
            if t.code == code:
                return t
        raise KeyError(code)

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.source]

    # --- validation ---------------------------------------------------------------------------

    def validate(self, known_roles: set[str] | None = None) -> None:
        """Raise DefinitionError listing every problem; do nothing for a sound definition."""
        problems: list[str] = []
        codes = [s.code for s in self.states]
        if len(set(codes)) != len(codes):
            problems.append("two states share a code")
        if self.initial not in codes:
            problems.append(f"the initial state {self.initial!r} is not among the states")
        tcodes = [t.code for t in self.transitions]
        if len(set(tcodes)) != len(tcodes):
            problems.append("two transitions share a code")
        clash = set(tcodes) & set(GENERIC_OPERATIONS)
        if clash:
            problems.append(f"transition codes {sorted(clash)} are reserved for the engine's operations")
        if not self.prefix.isalpha() or not self.prefix.isupper() or len(self.prefix) > 4:
            problems.append(f"prefix {self.prefix!r} must be 1–4 capital letters")
        for s in self.states:
            if not s.final and not s.paused and s.deadline is None:
                problems.append(f"state {s.code!r} has no deadline (give one, or mark it final or paused)")
            if s.deadline and s.deadline.policy:
                problems.extend(_policy_problems(s.code, s.deadline))
            elif s.deadline and s.deadline.rule != Rule.SAME_DAY and s.deadline.n < 1:
                problems.append(f"state {s.code!r} has a deadline of {s.deadline.n} days")
            if s.deadline and s.deadline.since and s.deadline.since not in codes:
                problems.append(f"state {s.code!r} counts its deadline from the unknown state {s.deadline.since!r}")
        if not any(s.final for s in self.states):
            problems.append("no final state: cases could never close")
        for t in self.transitions:
            if t.kind == APPOINT:
                if t.target:
                    problems.append(f"transition {t.code!r} appoints a person: the case stays, so target must be ''")
                if t.assignee_from is None:
                    problems.append(f"transition {t.code!r} appoints a person but has no assignee_from")
            for src in (*t.source, *((t.target,) if t.kind != APPOINT else ())):
                if src not in codes:
                    problems.append(f"transition {t.code!r} names the unknown state {src!r}")
            if not t.roles or not t.levels:
                problems.append(f"transition {t.code!r} has no actor (roles and levels must not be empty)")
            if known_roles is not None and not set(t.roles) <= known_roles:
                problems.append(f"transition {t.code!r} names unknown roles {sorted(set(t.roles) - known_roles)}")
            if t.kind not in (MOVE, DISPATCH, APPOINT):
                problems.append(f"transition {t.code!r} has the unknown kind {t.kind!r}")
            if t.next_unit not in (TO_DISPATCHER, TO_SAME, TO_OWNER, TO_PARENT, TO_UPPER_LEVEL):
                problems.append(f"transition {t.code!r} has the unknown next_unit {t.next_unit!r}")
            if any(codes.count(s) and self.state(s).final for s in t.source if s in codes):
                problems.append(f"transition {t.code!r} leaves a final state (use reopen)")
            if t.due_field and not any(f.name == t.due_field and f.kind == "date" for f in t.fields):
                problems.append(f"transition {t.code!r} sets due dates from {t.due_field!r}, which is not one of "
                                "its date fields")
            for f in t.fields:
                if f.kind not in FIELD_KINDS:
                    problems.append(f"field {f.name!r} of {t.code!r} has the unknown kind {f.kind!r}")
        if self.opening.subject_field and self.opening.subject_field not in {f.name for f in self.opening.fields}:
            problems.append(f"opening.subject_field names the unknown field {self.opening.subject_field!r}")
        opening_kinds = {f.name: f.kind for f in self.opening.fields}
        if self.opening.clock_from and opening_kinds.get(self.opening.clock_from) != "date":
            problems.append(f"opening.clock_from names {self.opening.clock_from!r}, not one of its date fields")
        if self.opening.clock_from_max_days < 0:
            problems.append("opening.clock_from_max_days cannot be negative")
        for level, state in self.opening.initial_at:
            if state not in codes:
                problems.append(f"opening.initial_at names the unknown state {state!r}")
            if level not in self.opening.levels:
                problems.append(f"opening.initial_at names level {level}, at which nobody may open a case")
        if not self.opening.roles or not self.opening.levels:
            problems.append("nobody may open a case (opening roles and levels must not be empty)")
        for group, name in ((self.returnable, "returnable"), (self.extendable, "extendable"),
                            (self.escalatable, "escalatable"), (self.sign_required, "sign_required")):
            for code in group:
                if code not in codes:
                    problems.append(f"{name} names the unknown state {code!r}")
        if self.reopen:
            for code in (*self.reopen.from_states, self.reopen.to_state):
                if code not in codes:
                    problems.append(f"reopen names the unknown state {code!r}")
            if not self.reopen.roles or not self.reopen.levels:
                problems.append("reopen has no actor")
        for op, roles in self.operation_roles.items():
            if op not in GENERIC_OPERATIONS or op in (OP_URGE, OP_REOPEN):
                problems.append(f"operation_roles names {op!r}, which is not a generic operation it governs")
            if known_roles is not None and not set(roles) <= known_roles:
                problems.append(f"operation_roles[{op!r}] names unknown roles {sorted(set(roles) - known_roles)}")
        if self.on_overdue not in ("notify", "escalate"):
            problems.append(f"on_overdue must be 'notify' or 'escalate', not {self.on_overdue!r}")
        if self.initial in codes:
            unreachable = set(codes) - self.reachable()
            if unreachable:
                problems.append(f"states {sorted(unreachable)} cannot be reached from {self.initial!r}")
            dead = [s.code for s in self.states if not s.final
                    and not any(t.kind != APPOINT for t in self.transitions_from(s.code))]
            if dead:
                problems.append(f"states {dead} are not final but no transition leaves them")
        if problems:
            raise DefinitionError(f"Process {self.code!r} is broken: " + "; ".join(problems) + ".")

    def reachable(self) -> set[str]:
        # A case starts in `initial`, or in the state its opening names for the opener's level.
        seen = {self.initial, *(state for _level, state in self.opening.initial_at)}
        queue = deque(seen)
        while queue:
            state = queue.popleft()
            targets = [t.target for t in self.transitions if state in t.source and t.kind != APPOINT]
            if self.reopen and state in self.reopen.from_states:
                targets.append(self.reopen.to_state)
            for target in targets:
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
        return seen
