"""Definitions are validated at start-up; diagrams and docs are generated from them."""

import dataclasses

import pytest
from django.core.management import call_command

from unionserve.workflow.definitions import Deadline, DefinitionError, State, Transition
from unionserve.workflow.diagrams import mermaid
from unionserve.workflow.registry import Registry, registry

from .example_process import EXAMPLE


def broken(**changes):
    return dataclasses.replace(EXAMPLE, **changes)


def test_the_example_is_sound():
    EXAMPLE.validate(known_roles={"hotline_agent", "city_office", "social_worker", "center_staff"})


@pytest.mark.parametrize("change,message", [
    (dict(states=(*EXAMPLE.states, State("limbo", "无人可达", Deadline.working_days(1)))), "cannot be reached"),
    (dict(states=tuple(dataclasses.replace(s, deadline=None) if s.code == "handling" else s
                       for s in EXAMPLE.states)), "has no deadline"),
    (dict(transitions=(*EXAMPLE.transitions, Transition("x", "x", ("intake",), "closed", frozenset(),
                                                        frozenset({1})))), "no actor"),
    (dict(transitions=(*EXAMPLE.transitions, Transition("y", "y", ("intake",), "nowhere", frozenset({"a"}),
                                                        frozenset({1})))), "unknown state"),
    (dict(transitions=(*EXAMPLE.transitions, Transition("sign", "s", ("intake",), "closed", frozenset({"a"}),
                                                        frozenset({1})))), "reserved"),
    (dict(prefix="ex1"), "prefix"),
    (dict(returnable=frozenset({"nope"})), "returnable names the unknown state"),
])
def test_broken_definitions_are_refused_with_the_reason(change, message):
    with pytest.raises(DefinitionError) as err:
        broken(**change).validate()
    assert message in str(err.value)


def test_unknown_roles_are_refused():
    with pytest.raises(DefinitionError) as err:
        EXAMPLE.validate(known_roles={"hotline_agent"})
    assert "unknown roles" in str(err.value)


def test_registry_refuses_duplicates():
    reg = Registry()
    reg.register(EXAMPLE)
    with pytest.raises(Exception, match="twice"):
        reg.register(EXAMPLE)
    with pytest.raises(Exception, match="prefix"):
        reg.register(dataclasses.replace(EXAMPLE, code="other"))


def test_mermaid_diagram_shows_states_deadlines_and_transitions():
    text = mermaid(EXAMPLE)
    assert text.startswith("stateDiagram-v2")
    assert "7个工作日" in text and "暂停计时" in text and "intake --> handling" in text and "重启" in text


def test_docs_processes_are_up_to_date():
    assert registry.all(), "no process registered"
    call_command("generate_process_docs", check=True)


def test_process_help_page_renders_the_diagram(client_for, users):
    page = client_for(users["station"]).get("/work/processes/workorder/").content.decode()
    assert "stateDiagram-v2" in page and "mermaid.min.js" in page
