"""Every deadline of seed 000 §四.5 at the limit and one day past: 当天/当日, 3日, 7日, 15日 (calendar days,
ending on the next working day when the last day is a rest day), through the engine's sweep."""

import datetime as dt

from unionserve.mediation import actions as mediation_actions
from unionserve.mediation.intake import open_mediation
from unionserve.mediation.models import Mediator
from unionserve.mediation.tests.conftest import TZ
from unionserve.workflow import actions
from unionserve.workflow.models import Case, Step
from unionserve.workflow.sweep import sweep

DATA = {"dispute_type": "wages", "summary": "欠薪", "workers": "张三", "employer_name": "某公司",
        "claims": "支付工资, 5000"}


def _open(user) -> Case:
    return open_mediation(user, data=dict(DATA))


def _do(case, user, action, **data) -> Case:
    case.refresh_from_db()
    return actions.perform(case, action, actor=user, data=data, version=case.version)


def _open_step(case) -> Step:
    return Step.objects.get(case=case, is_open=True, kind="work")


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 59, 59, 999999), tzinfo=TZ)


def _overdue_after(clock, step: Step, day: dt.date, hh: int) -> bool:
    clock.set(day.year, day.month, day.day, hh)
    sweep()
    step.refresh_from_db()
    return step.overdue


def test_level_1_decides_acceptance_the_same_day(clock, people):
    clock.set(2026, 11, 2, 16)  # Monday afternoon
    case = _open(people["city"])
    step = _open_step(case)
    assert step.due_at == _end_of(dt.date(2026, 11, 2)) and step.deadline["rule"] == "same_day"
    assert not _overdue_after(clock, step, dt.date(2026, 11, 2), 23)  # at the limit: still in time
    assert _overdue_after(clock, step, dt.date(2026, 11, 3), 9)  # one day past


def test_level_3_reports_a_complex_case_the_same_day(clock, people, tree):
    clock.set(2026, 11, 6, 17)  # Friday: the same day, not the next working day
    case = _open(people["station"])
    step = _open_step(case)
    assert step.due_at == _end_of(dt.date(2026, 11, 6))
    assert not _overdue_after(clock, step, dt.date(2026, 11, 6), 23)
    assert _overdue_after(clock, step, dt.date(2026, 11, 7), 9)
    # Reported in time, on the same day: the level-2 body's 3 days start.
    clock.set(2026, 11, 6, 23)
    case = _do(case, people["station"], "report_up", reason="复杂")
    assert _open_step(case).unit == tree["dc"]


def test_level_2_decides_on_a_reported_case_within_3_days(clock, people):
    clock.set(2026, 11, 2)  # Monday: Mon + 3 days = Thursday 5th
    case = _open(people["station"])
    case = _do(case, people["station"], "report_up", reason="复杂")
    step = _open_step(case)
    assert step.due_at == _end_of(dt.date(2026, 11, 5)) and step.deadline["rule"] == "calendar_days"
    assert not _overdue_after(clock, step, dt.date(2026, 11, 5), 23)
    assert _overdue_after(clock, step, dt.date(2026, 11, 6), 9)


def test_3_days_ending_on_a_saturday_end_on_monday(clock, people):
    clock.set(2026, 11, 4)  # Wednesday + 3 days = Saturday 7th → Monday 9th (日: calendar days)
    case = _open(people["station"])
    case = _do(case, people["station"], "report_up", reason="复杂")
    step = _open_step(case)
    assert step.due_at == _end_of(dt.date(2026, 11, 9))
    assert not _overdue_after(clock, step, dt.date(2026, 11, 9), 23)
    assert _overdue_after(clock, step, dt.date(2026, 11, 10), 9)


def _dispatched(clock, people, tree, mediators) -> Case:
    clock.set(2026, 11, 2, 9)  # Monday
    case = _open(people["city"])
    case = _do(case, people["city"], "accept_dispatch", units=tree["dc"].code)
    case.refresh_from_db()
    mediation_actions.appoint_mediator(case, mediators["m1"], acting_user=people["district"], version=case.version)
    return Case.objects.get(pk=case.pk)


def test_plan_within_7_days_of_receiving_the_dispatch(clock, people, tree, mediators):
    case = _dispatched(clock, people, tree, mediators)
    step = _open_step(case)
    assert step.state == "dispatched" and step.due_at == _end_of(dt.date(2026, 11, 9))  # Mon 2nd + 7
    assert not _overdue_after(clock, step, dt.date(2026, 11, 9), 23)
    assert _overdue_after(clock, step, dt.date(2026, 11, 10), 9)


def test_concluded_within_15_days_of_the_dispatch_not_of_the_plan(clock, people, tree, mediators):
    case = _dispatched(clock, people, tree, mediators)
    clock.set(2026, 11, 5, 10)  # the plan on day 3
    case = _do(case, people["med1"], "submit_plan", plan="约谈")
    step = _open_step(case)
    assert step.state == "mediating"
    assert step.due_at == _end_of(dt.date(2026, 11, 17))  # Mon 2nd + 15 = Tue 17th, not Thu 5th + 15
    assert "2026-11-02" in str(step.deadline) or step.deadline.get("start") == "2026-11-02"
    assert not _overdue_after(clock, step, dt.date(2026, 11, 17), 23)
    assert _overdue_after(clock, step, dt.date(2026, 11, 18), 9)


def test_15_days_across_the_new_year_holiday_end_on_the_next_working_day(clock, people, tree, mediators):
    # Dispatched Wednesday 17 Dec 2025 + 15 days = Thursday 1 Jan 2026 (New Year's Day, a holiday) → Friday?
    # The calendar decides: the deadline is the first working day on or after the last day.
    clock.set(2025, 12, 17, 9)
    case = _open(people["city"])
    case = _do(case, people["city"], "accept_dispatch", units=tree["dc"].code)
    case.refresh_from_db()
    mediation_actions.appoint_mediator(case, mediators["m1"], acting_user=people["district"], version=case.version)
    case = _do(Case.objects.get(pk=case.pk), people["med1"], "submit_plan", plan="约谈")
    step = _open_step(case)
    from unionserve.workcalendar import service

    last = dt.date(2026, 1, 1)
    while not service.is_working_day(last):
        last += dt.timedelta(days=1)
    assert step.due_at == _end_of(last) and last > dt.date(2026, 1, 1)
    assert not _overdue_after(clock, step, last, 23)
    assert _overdue_after(clock, step, last + dt.timedelta(days=1), 9)


def test_mediator_registry_fixture_is_sane(mediators):
    assert Mediator.objects.count() == 5
