"""The engine's own rules for what people type and when a clock starts, for every process.

A required text that shows nothing (Unicode whitespace of any kind, zero-width marks) is empty. A process may
declare that its first step counts from a date given at opening (the day a matter was received), and where a case
starts by the level of the unit that opens it. Deleting steps finds their reviews and events by index.
"""

import dataclasses
import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.core.text import is_blank, lines_of, strip_text
from unionserve.workflow import actions
from unionserve.workflow.definitions import DefinitionError, Field, Opening
from unionserve.workflow.errors import ActionRefused
from unionserve.workflow.models import Case
from unionserve.workflow.registry import registry

from .example_process import CITY, EXAMPLE

pytestmark = pytest.mark.django_db

INVISIBLE_OR_SPACE = ["", " ", "\u3000", "\u00a0", "\u200b", "\ufeff", "\u2060", "\t\n\u3000\u200b\u00a0 "]


@pytest.mark.parametrize("text", INVISIBLE_OR_SPACE)
def test_text_that_shows_nothing_is_blank(text):
    assert is_blank(text) and strip_text(text) == "" and lines_of(text) == []


def test_strip_keeps_what_is_between():
    assert strip_text("\u200b\u3000 已超过\u3000时效 \u00a0\ufeff") == "已超过\u3000时效"
    assert lines_of("\u3000甲\n\u200b\n 乙 ") == ["甲", "乙"]
    assert not is_blank("0") and not is_blank(0)


def do(case, user, action, **data):
    case = Case.objects.get(pk=case.pk)
    return actions.perform(case, action, actor=user, data=data, version=case.version)


@pytest.mark.parametrize("text", INVISIBLE_OR_SPACE[1:])
def test_a_required_text_of_only_spaces_or_invisible_marks_is_missing(example, people, text):
    case = actions.open_case("example", actor=people["agent"], title="工资拖欠咨询")
    case = do(case, people["agent"], "dispatch", units="110101001")
    do(case, people["st1"], "sign")
    with pytest.raises(ActionRefused) as err:
        do(case, people["st1"], "feedback", result=text)
    assert "办理结果" in str(err.value)
    case = do(case, people["st1"], "feedback", result="\u3000已联系单位补发工资\u200b")
    assert case.events.get(action="feedback").data["result"] == "已联系单位补发工资"


def test_a_title_of_only_a_full_width_space_is_refused(example, people):
    with pytest.raises(ActionRefused):
        actions.open_case("example", actor=people["agent"], title="\u3000\u200b")


RECEIVED = Field("received_on", "收到日期", "date", required=False)
NOTE = Field("note", "摘要", "textarea")


@pytest.fixture
def dated(example):
    """The example process, its first step counting from the day the matter was received."""
    definition = dataclasses.replace(EXAMPLE, opening=Opening(
        CITY, frozenset({1}), fields=(NOTE, RECEIVED), clock_from="received_on", clock_from_max_days=10))
    registry.register(definition, replace=True)
    yield definition
    registry.register(EXAMPLE, replace=True)


def test_first_step_counts_from_the_receipt_day_and_says_so(dated, people):
    today = timezone.localdate()
    earlier = today - dt.timedelta(days=3)
    case = actions.open_case("example", actor=people["agent"], title="来信", data={"note": "欠薪",
                                                                                   "received_on": earlier})
    step = case.steps.get()
    assert step.deadline["start"] == earlier.isoformat()
    event = case.events.get(action="opened")
    assert event.data["clock_from"] == earlier.isoformat() and event.data["entered_days_late"] == 3
    audit = AuditEvent.objects.get(action=AuditAction.CASE_ACTION, object_id=str(case.pk))
    assert audit.detail["clock_from"] == earlier.isoformat() and audit.detail["entered_days_late"] == 3
    # Given as ISO text (the API, a referral form) it is the same; empty means today and nothing is recorded.
    same = actions.open_case("example", actor=people["agent"], title="来信",
                             data={"note": "欠薪", "received_on": earlier.isoformat()})
    assert same.steps.get().due_at == step.due_at
    today_case = actions.open_case("example", actor=people["agent"], title="来信", data={"note": "欠薪"})
    assert today_case.steps.get().deadline["start"] == today.isoformat()
    assert "clock_from" not in today_case.events.get(action="opened").data


@pytest.mark.parametrize("value", [lambda t: t + dt.timedelta(days=1), lambda t: t - dt.timedelta(days=11),
                                   lambda t: "20261301", lambda t: "明天"])
def test_receipt_day_in_the_future_too_far_back_or_not_a_date_is_refused(dated, people, value):
    with pytest.raises(ActionRefused) as err:
        actions.open_case("example", actor=people["agent"], title="来信",
                          data={"note": "欠薪", "received_on": value(timezone.localdate())})
    assert "收到日期" in str(err.value)
    assert not Case.objects.exists()


def test_the_definition_checks_its_opening_options():
    bad = dataclasses.replace(EXAMPLE, opening=Opening(CITY, frozenset({1}), clock_from="nowhere",
                                                       initial_at=((2, "limbo"),)))
    with pytest.raises(DefinitionError) as err:
        bad.validate()
    text = str(err.value)
    assert "clock_from" in text and "limbo" in text and "level 2" in text


def test_a_case_starts_where_its_opening_says_for_the_openers_level(example, people):
    definition = dataclasses.replace(EXAMPLE, opening=Opening(
        CITY | {"center_staff"}, frozenset({1, 2}), initial_at=((2, "handling"),)))
    definition.validate()
    registry.register(definition, replace=True)
    try:
        case = actions.open_case("example", actor=people["dc"], title="窗口来访")
    finally:
        registry.register(EXAMPLE, replace=True)
    assert case.state == "handling" and case.steps.get().unit == people["dc"].org_unit
    assert case.steps.get().deadline["rule"]


def _indexes(table: str) -> dict:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


def test_deleting_steps_finds_reviews_and_events_by_index():
    assert _indexes("workflow_step")["step_reviews"]["columns"] == ["reviews_id"]
    assert _indexes("workflow_caseevent")["event_step"]["columns"] == ["step_id"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN UPDATE workflow_caseevent SET step_id = NULL WHERE step_id IN (1, 2)")
            assert "event_step" in str(cursor.fetchall())
            cursor.execute("EXPLAIN QUERY PLAN SELECT id FROM workflow_step WHERE reviews_id IN (1, 2)")
            assert "step_reviews" in str(cursor.fetchall())
