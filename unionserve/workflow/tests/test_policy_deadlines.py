"""Deadlines whose length is a policy parameter: validation, description, resolution on the start day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from unionserve.policy.models import PolicyVersion, Status
from unionserve.workcalendar.service import Rule
from unionserve.workflow import deadlines
from unionserve.workflow.definitions import Deadline, DefinitionError, Opening, ProcessDefinition, State

KEY = "mediation.conclude_days"  # 15 days (000 §四.5 下派(2))
TZ = ZoneInfo("Asia/Shanghai")


def _definition(deadline: Deadline) -> ProcessDefinition:
    return ProcessDefinition(code="t", label="t", prefix="T", initial="a", transitions=(),
                             states=(State("a", "a", deadline), State("z", "z", final=True)),
                             opening=Opening(frozenset({"x"}), frozenset({1})))


def test_a_policy_key_stands_where_the_number_was():
    d = Deadline.days(KEY, "15日内办结")
    assert (d.rule, d.policy, d.n, d.default_n) == (Rule.CALENDAR_DAYS, KEY, 0, 15)
    assert d.describe() == f"15日〔{KEY}〕"
    assert Deadline.working_days(3).describe() == "3个工作日"


@pytest.mark.parametrize(("deadline", "problem"), [
    (Deadline.days("mediation.no_such_key"), "unregistered policy"),
    (Deadline.working_days(KEY), "counts working_days but the policy"),
])
def test_validation_names_a_wrong_key(deadline, problem):
    with pytest.raises(DefinitionError, match=problem):
        _definition(deadline).validate()


def test_the_length_is_the_version_in_force_on_the_start_day(db):
    PolicyVersion.objects.create(key=KEY, version=2, value=20, effective_from=dt.date(2026, 3, 2), source="t",
                                 status=Status.APPROVED)
    d = Deadline.days(KEY)
    before, used_before = deadlines.compute_with_policy(d, dt.datetime(2026, 3, 1, 23, 0, tzinfo=TZ))
    after, used_after = deadlines.compute_with_policy(d, dt.datetime(2026, 3, 2, 0, 30, tzinfo=TZ))
    assert (before.n, used_before["policy"]["version"]) == (15, 1)
    assert (after.n, used_after["policy"]["version"]) == (20, 2)
    assert used_after["policy"]["key"] == KEY and used_after["policy"]["value"] == "20"
    # A resumed clock passes the remaining days; the version is still named.
    rest, used = deadlines.compute_with_policy(d, dt.datetime(2026, 3, 5, 9, 0, tzinfo=TZ), n=4)
    assert rest.n == 4 and used["policy"]["version"] == 2
    assert deadlines.compute_with_policy(Deadline.days(5), dt.datetime(2026, 3, 5, tzinfo=TZ))[1] == {}
