"""The statistics over requests worked through the real engine: the 7-working-day boundary end to end."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from unionserve.hotline.models import Category, HotlineRequest
from unionserve.hotline.statistics import rates
from unionserve.workflow.models import Case, Step
from unionserve.workflow.permissions import actions_for

pytestmark = pytest.mark.django_db


def act(client, user, case, action, **fields):
    client.force_login(user)
    case = Case.objects.get(pk=case.pk)
    spec = next(s for s in actions_for(case, user) if s.code == action)
    data = {f"{action}-version": case.version, f"{action}-step": spec.step.pk if spec.step else ""}
    data.update({f"{action}-{k}": v for k, v in fields.items()})
    response = client.post(reverse("workflow:act", args=[case.number, action]), data)
    assert response.status_code == 302, response.content.decode()[:1500]
    return Case.objects.get(pk=case.pk)


def dispatch(client, agent, description: str) -> Case:
    client.force_login(agent)
    response = client.post(reverse("hotline:workbench"), {
        "caller_phone": "13900001111", "caller_name": "李师傅", "kind": "affair",
        "category": Category.objects.get(code="LDGX02").pk, "description": description, "action": "dispatch",
        "answer": "", "refer_to": "", "units": "110101001", "filed_units": "", "member": ""})
    assert response.status_code == 302, response.content.decode()[:1500]
    return HotlineRequest.objects.get(description=description).case


def test_fed_back_at_the_deadline_is_on_time_one_day_later_is_not(client, people, tree, clock):
    clock.set(2026, 3, 2, 10)  # Monday: 7 working days from Tuesday 3 March end on Wednesday 11 March
    on_time = dispatch(client, people["agent"], "按时回单的事务")
    late = dispatch(client, people["agent"], "超时回单的事务")
    due = Step.objects.get(case=on_time, state="handling").due_at
    assert due.astimezone(clock.now.tzinfo).date() == dt.date(2026, 3, 11)
    clock.set(2026, 3, 3, 9)
    on_time = act(client, people["st1"], on_time, "sign")
    late = act(client, people["st1"], late, "sign")
    clock.set(2026, 3, 11, 23, 59)  # the last minute of the deadline day
    on_time = act(client, people["st1"], on_time, "feedback", result="已办结", resolved="yes")
    clock.set(2026, 3, 12, 10)  # one day past
    late = act(client, people["st1"], late, "feedback", result="已办结", resolved="no")
    act(client, people["agent"], on_time, "close", satisfaction="satisfied")
    act(client, people["agent"], late, "close", satisfaction="unsatisfied", reason="太慢")

    period = rates.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    vectors = rates.unit_vectors(people["office"], period)
    st1, dc = rates.roll_up([tree["st1"], tree["dc"]], vectors)
    for row in (st1, dc):
        assert (row.rate("response").numerator, row.rate("response").denominator) == (2, 2)
        assert (row.rate("on_time").numerator, row.rate("on_time").denominator) == (1, 2)
        assert (row.rate("resolution").numerator, row.rate("resolution").denominator) == (1, 2)
        assert (row.rate("satisfaction").numerator, row.rate("satisfaction").denominator) == (1, 2)
    assert HotlineRequest.objects.get(case=on_time).feedback_on_time is True
    assert HotlineRequest.objects.get(case=late).feedback_on_time is False
    volumes = rates.volumes(people["dc"], period)
    assert volumes.total == 2 and volumes.by_kind == {"affair": 2}
