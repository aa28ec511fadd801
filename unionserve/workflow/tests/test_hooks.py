"""The options and hooks a process declares so the engine alone writes cases and steps.

`assignee_from` on a transition (the person who holds the next step: a lawyer or mediator picked from an
area's registry), APPOINT transitions (the step stays; a person of its unit takes it), `keep_assignee`,
the process's `deadline_for` (a per-case period), `due_field` (a due date set per case, bounded by the
state's deadline), the opening's `subject_field`.
"""

from __future__ import annotations

import dataclasses

import pytest

from unionserve.accounts.models import User
from unionserve.core.roles import Role
from unionserve.workflow import actions
from unionserve.workflow.definitions import (
    APPOINT,
    DISPATCH,
    TO_SAME,
    Deadline,
    DefinitionError,
    Field,
    Opening,
    ProcessDefinition,
    State,
    Transition,
)
from unionserve.workflow.errors import ActionRefused
from unionserve.workflow.models import Case, Step
from unionserve.workflow.registry import registry

pytestmark = pytest.mark.django_db

CITY = frozenset({Role.CITY_OFFICE, Role.HOTLINE_AGENT})
HANDLERS = frozenset({Role.SOCIAL_WORKER, Role.CENTER_STAFF})
PERSON = frozenset({Role.MEDIATOR})
#: What the area's hook was asked, and the per-case period it returns.
SEEN: dict = {}


def by_username(case, data):
    """An area's registry in miniature: the field names a login (or a person without one: None)."""
    SEEN["assignee_from"] = dict(data)
    name = str(data.get("person") or "")
    return User.objects.filter(username=name).first() if name and name != "nobody" else None


def per_case(case, state):
    SEEN.setdefault("deadline_for", []).append(state)
    return Deadline.working_days(2, "按本案约定") if state == "handling" and case.title.startswith("快") else None


PERSON_FIELD = Field("person", "承办人", "text", required=False)

HOOKED = ProcessDefinition(
    code="hooked",
    label="钩子流程",
    prefix="HK",
    opening=Opening(CITY, frozenset({1}), fields=(Field("who", "当事人", "text", required=False),),
                    subject_field="who"),
    initial="intake",
    states=(
        State("intake", "受理", Deadline.same_day()),
        State("handling", "办理", Deadline.working_days(7)),
        State("acting", "代理", Deadline.working_days(30)),
        State("summary", "汇总", Deadline.working_days(5)),
        State("closed", "办结", final=True),
    ),
    transitions=(
        Transition("dispatch", "派单", ("intake",), "handling", CITY, frozenset({1}), kind=DISPATCH,
                   target_levels=frozenset({2, 3}), fields=(PERSON_FIELD, Field("due_on", "办结时限", "date",
                                                                               required=False)),
                   assignee_from=by_username, due_field="due_on"),
        Transition("appoint", "指定承办人", ("handling", "acting"), "", HANDLERS, frozenset({2, 3}), kind=APPOINT,
                   fields=(PERSON_FIELD,), assignee_from=by_username),
        Transition("hand_over", "交代理", ("handling",), "acting", HANDLERS | PERSON, frozenset({2, 3}),
                   next_unit=TO_SAME),
        Transition("report", "报告", ("acting",), "summary", HANDLERS | PERSON, frozenset({2, 3}),
                   next_unit=TO_SAME, keep_assignee=False),
        Transition("close", "办结", ("summary",), "closed", HANDLERS, frozenset({2, 3})),
    ),
    deadline_for=per_case,
)


@pytest.fixture
def hooked():
    SEEN.clear()
    registry.register(HOOKED, replace=True)
    yield HOOKED
    registry.unregister(HOOKED.code)


def do(case, user, action, **data):
    case = Case.objects.get(pk=case.pk)
    return actions.perform(case, action, actor=user, data=data, version=case.version)


def open_step(case):
    return Step.objects.get(case=case, is_open=True)


@pytest.fixture
def person(tree, make_user):
    """A mediator-only login of the station: a personal scope, like a lawyer's."""
    return make_user(tree["st1"], Role.MEDIATOR, username="med1")


def test_dispatch_gives_the_step_to_the_named_login(hooked, people, person, tree):
    case = actions.open_case("hooked", actor=people["agent"], title="案", data={"who": "王五"})
    assert case.subject_name == "王五"  # subject_field
    case = do(case, people["agent"], "dispatch", units=tree["st1"].code, person="med1")
    assert SEEN["assignee_from"]["person"] == "med1"
    assert open_step(case).assignee == person and Case.objects.get(pk=case.pk).assignee == person
    assert Case.objects.visible_to(person).filter(pk=case.pk).exists()


def test_a_login_of_another_unit_or_inactive_is_refused(hooked, people, person, tree):
    case = actions.open_case("hooked", actor=people["agent"], title="案")
    with pytest.raises(ActionRefused):
        do(case, people["agent"], "dispatch", units=tree["st2"].code, person="med1")  # med1 is of station 1
    person.is_active = False
    person.save()
    with pytest.raises(ActionRefused):
        do(case, people["agent"], "dispatch", units=tree["st1"].code, person="med1")
    assert Case.objects.get(pk=case.pk).state == "intake" and not Step.objects.filter(assignee=person).exists()


def test_appoint_keeps_the_step_and_its_deadline_and_may_hand_it_back(hooked, people, person, tree):
    case = do(actions.open_case("hooked", actor=people["agent"], title="案"), people["agent"], "dispatch",
              units=tree["st1"].code)
    step = open_step(case)
    assert step.assignee is None
    case = do(case, people["st1"], "appoint", person="med1")
    same = open_step(case)
    assert same.pk == step.pk and same.due_at == step.due_at and same.assignee == person
    assert case.state == "handling" and case.assignee == person
    event = case.events.get(action="appoint")
    assert event.from_state == event.to_state == "handling" and event.data["assignee"] == "med1"
    # The person acts on it; the next step of the same unit stays theirs (TO_SAME keeps the assignee) ...
    case = do(case, person, "hand_over")
    assert case.state == "acting" and open_step(case).assignee == person
    # ... until a transition declared with keep_assignee=False hands it back to the unit.
    case = do(case, person, "report")
    assert case.state == "summary" and open_step(case).assignee is None
    assert Case.objects.visible_to(person).filter(pk=case.pk).exists()  # they still read it
    # Appointing a person without a login hands the step back to the unit.
    case2 = do(actions.open_case("hooked", actor=people["agent"], title="案"), people["agent"], "dispatch",
               units=tree["st1"].code, person="med1")
    case2 = do(case2, people["st1"], "appoint", person="nobody")
    assert open_step(case2).assignee is None and case2.assignee is None


def test_a_per_case_deadline_applies_wherever_the_state_is_entered(hooked, people, tree):
    quick = do(actions.open_case("hooked", actor=people["agent"], title="快办"), people["agent"], "dispatch",
               units=tree["st1"].code)
    normal = do(actions.open_case("hooked", actor=people["agent"], title="常规"), people["agent"], "dispatch",
                units=tree["st1"].code)
    assert open_step(quick).deadline["n"] == 2 and open_step(quick).deadline["source"] == "按本案约定"
    assert open_step(normal).deadline["n"] == 7
    assert "handling" in SEEN["deadline_for"]


def test_the_dispatcher_may_set_an_earlier_due_date_within_the_states_limit(hooked, people, tree, clock):
    import datetime as dt

    from unionserve.workcalendar.service import end_of_day

    clock.set(2026, 11, 26)  # Thursday
    limit = open_step(do(actions.open_case("hooked", actor=people["agent"], title="常规"), people["agent"],
                         "dispatch", units=tree["st1"].code)).due_at
    assert limit.date() == dt.date(2026, 12, 7)  # 7 working days
    case = actions.open_case("hooked", actor=people["agent"], title="限期")
    for too_late_or_past in ("2026-12-08", "2026-11-25", "12/01/2026"):
        with pytest.raises(ActionRefused):
            do(case, people["agent"], "dispatch", units=tree["st1"].code, due_on=too_late_or_past)
    case = do(case, people["agent"], "dispatch", units=tree["st1"].code, due_on="2026-12-01")  # as the API sends it
    step = open_step(case)
    assert step.due_at == step.original_due_at == end_of_day(dt.date(2026, 12, 1)) == case.due_at
    assert step.deadline["chosen_date"] == "2026-12-01" and step.deadline["limit_date"] == "2026-12-07"
    assert "2026-12-01" in step.deadline["explanation"] and step.deadline["rule"] == "working_days"
    assert case.events.get(action="dispatch").deadline["chosen_date"] == "2026-12-01"
    # The page's form gives a date object: the same result.
    other = actions.open_case("hooked", actor=people["agent"], title="限期2")
    assert open_step(do(other, people["agent"], "dispatch", units=tree["st1"].code,
                        due_on=dt.date(2026, 12, 7))).due_at == limit


@pytest.mark.parametrize("change, message", [
    ({"target": "handling"}, "target must be ''"),
    ({"assignee_from": None}, "has no assignee_from"),
])
def test_appoint_transitions_are_validated(change, message):
    appoint = dataclasses.replace(HOOKED.transitions[1], **change)
    broken = dataclasses.replace(HOOKED, transitions=(*HOOKED.transitions[:1], appoint, *HOOKED.transitions[2:]))
    with pytest.raises(DefinitionError, match=message):
        broken.validate()


def test_a_due_field_must_be_a_date_field_of_the_transition():
    dispatch = dataclasses.replace(HOOKED.transitions[0], due_field="person")
    broken = dataclasses.replace(HOOKED, transitions=(dispatch, *HOOKED.transitions[1:]))
    with pytest.raises(DefinitionError, match="not one of its date fields"):
        broken.validate()


def test_an_unknown_subject_field_is_refused():
    HOOKED.validate()  # the sound one passes
    broken = dataclasses.replace(HOOKED, opening=dataclasses.replace(HOOKED.opening, subject_field="nope"))
    with pytest.raises(DefinitionError, match="subject_field"):
        broken.validate()


def test_a_recomputed_calendar_keeps_the_chosen_due_date_unless_the_limit_moves_before_it(hooked, people, tree,
                                                                                          clock):
    import datetime as dt

    from unionserve.workcalendar.service import end_of_day
    from unionserve.workflow.receivers import recompute_provisional_deadlines

    clock.set(2026, 11, 26)
    case = do(actions.open_case("hooked", actor=people["agent"], title="限期"), people["agent"], "dispatch",
              units=tree["st1"].code, due_on="2026-12-01")
    step = open_step(case)
    # As if computed on a provisional calendar of 2026 (a fixture: tests may write the rows directly).
    Step.objects.filter(pk=step.pk).update(deadline={**step.deadline, "provisional": True,
                                                     "provisional_years": [2026]})
    assert recompute_provisional_deadlines(None, years=[2026]) == 1
    step.refresh_from_db()
    assert step.due_at == end_of_day(dt.date(2026, 12, 1)) and step.deadline["chosen_date"] == "2026-12-01"
    # A limit that now ends earlier than the chosen day wins.
    Step.objects.filter(pk=step.pk).update(deadline={**step.deadline, "n": 2, "provisional": True,
                                                     "provisional_years": [2026]})
    recompute_provisional_deadlines(None, years=[2026])
    step.refresh_from_db()
    assert step.due_at == end_of_day(dt.date(2026, 11, 30)) and "chosen_date" not in step.deadline
