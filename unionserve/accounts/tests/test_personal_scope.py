"""Personal restriction: a user who is only a mediator and/or lawyer sees only the cases they work on."""

from dataclasses import replace

import pytest

from unionserve.accounts.actions import issue_token
from unionserve.core.roles import Role
from unionserve.core.scope import scope_of
from unionserve.workflow import actions
from unionserve.workflow.models import Case
from unionserve.workflow.registry import registry
from unionserve.workflow.tests.example_process import EXAMPLE

pytestmark = pytest.mark.django_db


@pytest.fixture
def example():
    # Lawyers and mediators take part in this process here: they may add notes (every action needs a role the
    # process declares), and as personal users only on their own cases.
    definition = replace(EXAMPLE, operation_roles={
        "comment": EXAMPLE.acting_roles | {Role.LAWYER, Role.MEDIATOR}})
    registry.register(definition, replace=True)
    yield definition
    registry.unregister(EXAMPLE.code)


@pytest.fixture
def people(tree, make_user):
    return {
        "agent": make_user(tree["city"], Role.HOTLINE_AGENT, username="agent"),
        "dc": make_user(tree["dc"], Role.CENTER_STAFF, username="dcstaff"),
        "lawyer1": make_user(tree["dc"], Role.LAWYER, username="lawyer1"),
        "lawyer2": make_user(tree["dc"], Role.LAWYER, username="lawyer2"),
        "mediator": make_user(tree["dc"], Role.MEDIATOR, Role.LAWYER, username="mediator"),
        "staff_lawyer": make_user(tree["dc"], Role.LAWYER, Role.CENTER_STAFF, username="stafflawyer"),
    }


def _case_for(people, lawyer, title):
    """A case dispatched to the district center, signed for and assigned to `lawyer`."""
    case = actions.open_case("example", actor=people["agent"], title=title)
    case = actions.perform(case, "dispatch", actor=people["agent"], data={"units": "110101"})
    step = case.steps.get(is_open=True)
    case = actions.perform(case, "sign", actor=people["dc"], step_id=step.pk)
    return actions.perform(case, "assign", actor=people["dc"], data={"assignee": lawyer.username},
                           step_id=step.pk)


@pytest.fixture
def cases(example, people):
    return (_case_for(people, people["lawyer1"], "一号律师的案件"),
            _case_for(people, people["lawyer2"], "二号律师的案件"))


def bearer(user):
    _t, key = issue_token(user, "t")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_only_personal_roles_give_a_personal_scope(people):
    assert scope_of(people["lawyer1"]).personal_user_id == people["lawyer1"].pk
    assert scope_of(people["mediator"]).is_personal  # mediator and lawyer: both personal
    assert not scope_of(people["staff_lawyer"]).is_personal  # any other role lifts the restriction
    assert not scope_of(people["dc"]).is_personal


def test_a_lawyer_sees_only_their_own_cases(cases, people):
    mine, theirs = cases
    assert list(Case.objects.visible_to(people["lawyer1"])) == [mine]
    assert list(Case.objects.visible_to(people["lawyer2"])) == [theirs]
    assert Case.objects.visible_to(people["dc"]).count() == 2
    assert Case.objects.visible_to(people["staff_lawyer"]).count() == 2


def test_a_lawyer_cannot_open_another_lawyers_case_by_page(client, cases, people):
    mine, theirs = cases
    client.force_login(people["lawyer1"])
    assert client.get(f"/work/cases/{mine.number}/").status_code == 200
    assert client.get(f"/work/cases/{theirs.number}/").status_code == 404
    inbox = client.get("/work/").content.decode()
    assert mine.number in inbox and theirs.number not in inbox


def test_a_lawyer_cannot_open_another_lawyers_case_by_api(client, cases, people):
    mine, theirs = cases
    auth = bearer(people["lawyer1"])
    assert client.get(f"/api/work/cases/{mine.number}", **auth).status_code == 200
    assert client.get(f"/api/work/cases/{theirs.number}", **auth).status_code == 404
    assert client.get(f"/api/work/cases/{theirs.number}/timeline", **auth).status_code == 404
    listed = client.get("/api/work/cases", **auth).json()
    assert [c["number"] for c in listed["items"]] == [mine.number]
    assert client.get("/api/work/inbox/counts", **auth).json()["todo"] == 1
    refused = client.post(f"/api/work/cases/{theirs.number}/actions/comment",
                          {"version": theirs.version, "data": {"comment": "看看"}},
                          content_type="application/json", **auth)
    assert refused.status_code == 404


def test_a_lawyer_keeps_seeing_a_case_after_their_step_is_done(cases, people):
    mine, _theirs = cases
    step = mine.steps.get(is_open=True)
    actions.perform(mine, "feedback", actor=people["dc"], data={"result": "已代理结案"}, step_id=step.pk)
    assert list(Case.objects.visible_to(people["lawyer1"])) == [mine]


def test_a_personal_user_acts_only_on_steps_assigned_to_them(example, people):
    from unionserve.workflow.permissions import actions_for

    case = actions.open_case("example", actor=people["agent"], title="未分配")
    case = actions.perform(case, "dispatch", actor=people["agent"], data={"units": "110101"})
    # Not assigned to the lawyer: invisible, and no actions even on the unit's open step.
    assert not Case.objects.visible_to(people["lawyer1"]).filter(pk=case.pk).exists()
    assert actions_for(case, people["lawyer1"]) == []
    assert actions_for(case, people["dc"])


def test_a_personal_user_cannot_hand_their_case_to_a_colleague(cases, people):
    from unionserve.workflow.permissions import actions_for

    mine, _theirs = cases
    codes = {s.code for s in actions_for(mine, people["lawyer1"])}
    assert "assign" not in codes and "comment" in codes
    assert "assign" in {s.code for s in actions_for(mine, people["dc"])}
