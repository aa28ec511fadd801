"""Every action needs a role the process declares for it, in the offer (actions_for) and in perform alike.

The read-only auditor sits at a unit that holds every kind of open step and owns the case, on every process and
every state: it is offered nothing and refused every action through the engine, the API and the page. A mediator
or lawyer acts only on their own cases; the roles of the process still act.
"""

from __future__ import annotations

import pytest

from unionserve.core.roles import Role
from unionserve.workflow import actions
from unionserve.workflow import definitions as d
from unionserve.workflow.errors import NotAllowed
from unionserve.workflow.models import AccessKind, Case, CaseAccess, CaseEvent, Step, StepKind, StepStatus
from unionserve.workflow.permissions import actions_for
from unionserve.workflow.registry import registry

PROCESSES = [p.code for p in registry.all()]


def _case(definition, state: str, unit, other, *, assignee=None, n=[0]) -> Case:
    """A case of `definition` in `state` whose every kind of open step is at `unit` (and one it sent to `other`)."""
    n[0] += 1
    case = Case.objects.create(number=f"{definition.prefix}T{n[0]:06d}", process=definition.code, state=state,
                               title="试验", owner_unit=unit, current_unit=unit, assignee=assignee)
    CaseAccess.objects.create(case=case, unit=unit, kind=AccessKind.OWNER)
    CaseAccess.objects.create(case=case, unit=other, kind=AccessKind.HANDLER)
    due = case.opened_at.replace(year=case.opened_at.year + 1)
    common = {"case": case, "process": definition.code, "state": state, "due_at": due}
    work = Step.objects.create(unit=unit, dispatcher_unit=other, assignee=assignee, **common)
    Step.objects.create(unit=unit, status=StepStatus.PENDING_SIGN, dispatcher_unit=other, assignee=assignee, **common)
    Step.objects.create(unit=unit, kind=StepKind.REVIEW_RETURN, reviews=work, assignee=assignee, **common)
    Step.objects.create(unit=unit, kind=StepKind.REVIEW_EXTENSION, reviews=work, assignee=assignee,
                        data={"days": 2, "reason": "需要时间"}, **common)
    Step.objects.create(unit=other, dispatcher_unit=unit, **common)
    return case


def _every_action(definition) -> list[str]:
    return sorted({*d.GENERIC_OPERATIONS, *(t.code for t in definition.transitions)})


@pytest.fixture
def auditor(tree, make_user):
    return make_user(tree["city"], Role.AUDITOR, username="auditor")


@pytest.mark.parametrize("process", PROCESSES)
def test_the_auditor_is_offered_nothing_and_refused_everything_on_every_process(
        process, tree, auditor, make_user, client):
    definition = registry.get(process)
    city = make_user(tree["city"], Role.CITY_OFFICE, username="cityoffice")
    client.force_login(auditor)
    for state in [s.code for s in definition.states if not s.final]:
        case = _case(definition, state, tree["city"], tree["dc"])
        assert actions_for(case, auditor) == []
        # A role of the process at the same unit is offered the unit's work (the refusal is the role, not the unit).
        assert "comment" in {s.code for s in actions_for(case, city)}
        events = CaseEvent.objects.filter(case=case).count()
        for action in _every_action(definition):
            with pytest.raises(NotAllowed):
                actions.perform(case, action, actor=auditor, data={"comment": "审计员的备注"})
            response = client.post(f"/api/work/cases/{case.number}/actions/{action}",
                                   {"version": case.version, "data": {"comment": "审计员的备注"}},
                                   content_type="application/json")
            assert response.status_code == 403, (process, state, action, response.content)
            response = client.post(f"/work/cases/{case.number}/act/{action}/",
                                   {f"{action}-version": case.version, f"{action}-comment": "审计员的备注"})
            assert response.status_code == 403, (process, state, action)
        assert CaseEvent.objects.filter(case=case).count() == events
        case.refresh_from_db()
        assert case.version == 1 and case.state == state
        page = client.get(f"/work/cases/{case.number}/")
        assert page.status_code == 200
        assert f"/work/cases/{case.number}/act/" not in page.content.decode()
        assert client.get(f"/api/work/cases/{case.number}").json()["actions"] == []


def test_every_process_declares_roles_for_its_generic_operations_and_leaves_out_the_auditor():
    for definition in registry.all():
        for op in d.GENERIC_OPERATIONS:
            roles = definition.roles_for(op)
            assert roles is None or Role.AUDITOR not in roles, (definition.code, op)
        assert definition.roles_for(d.OP_COMMENT)


def test_an_operation_role_set_narrows_a_generic_operation(tree, make_user):
    from dataclasses import replace

    definition = registry.get("workorder")
    narrowed = replace(definition, operation_roles={d.OP_COMMENT: frozenset({Role.CITY_OFFICE})})
    staff = make_user(tree["city"], Role.DEPARTMENT_STAFF, username="dept")
    assert not narrowed.may_take(staff, d.OP_COMMENT) and definition.may_take(staff, d.OP_COMMENT)
    with pytest.raises(d.DefinitionError):
        replace(definition, operation_roles={"urge": frozenset({Role.CITY_OFFICE})}).validate()


@pytest.mark.parametrize("process,role", [("mediation", Role.MEDIATOR), ("legalaid", Role.LAWYER)])
def test_a_mediator_or_lawyer_acts_only_on_their_own_cases(process, role, tree, make_user, client):
    definition = registry.get(process)
    mine = make_user(tree["dc"], role, username="mine")
    other = make_user(tree["dc"], role, username="other")
    state = next(t.source[0] for t in definition.transitions if role in t.roles)
    case = _case(definition, state, tree["dc"], tree["city"], assignee=mine)
    offered = {s.code for s in actions_for(case, mine)}
    assert "comment" in offered and "assign" not in offered
    assert actions_for(case, other) == []
    with pytest.raises(NotAllowed):
        actions.perform(case, "comment", actor=other, data={"comment": "别人的案件"})
    client.force_login(other)
    response = client.post(f"/api/work/cases/{case.number}/actions/comment",
                           {"version": case.version, "data": {"comment": "别人的案件"}},
                           content_type="application/json")
    assert response.status_code in (403, 404)
    client.force_login(mine)
    response = client.post(f"/api/work/cases/{case.number}/actions/comment",
                           {"version": case.version, "data": {"comment": "我的案件"}}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert CaseEvent.objects.filter(case=case, actor=mine).exists()


def test_a_role_holder_still_acts_through_the_page(tree, make_user, client):
    definition = registry.get("workorder")
    city = make_user(tree["city"], Role.CITY_OFFICE, username="cityoffice")
    case = _case(definition, next(s.code for s in definition.states if not s.final), tree["city"], tree["dc"])
    client.force_login(city)
    response = client.post(f"/work/cases/{case.number}/act/comment/",
                           {"comment-version": case.version, "comment-comment": "备注"})
    assert response.status_code == 302
    assert CaseEvent.objects.filter(case=case, actor=city).exists()
