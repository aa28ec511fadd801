"""Every operation of the engine on the example process, as the issue's check describes it."""

import datetime as dt

import pytest

from unionserve.notifications.models import Notification
from unionserve.workflow import actions
from unionserve.workflow.errors import ActionRefused, NotAllowed, StaleCase
from unionserve.workflow.models import Case, CaseEvent, Step, StepKind, StepStatus
from unionserve.workflow.permissions import actions_for
from unionserve.workflow.sweep import sweep

pytestmark = pytest.mark.django_db


def codes(case, user):
    return {s.code for s in actions_for(Case.objects.get(pk=case.pk), user)}


def do(case, user, action, **data):
    case = Case.objects.get(pk=case.pk)
    return actions.perform(case, action, actor=user, data=data, version=case.version)


def open_and_dispatch(people, units=("110101001", "110101002"), filed=("110101",)):
    case = actions.open_case("example", actor=people["agent"], title="工资拖欠咨询", channel="phone")
    return do(case, people["agent"], "dispatch", units=",".join(units), filed_units=",".join(filed),
              comment="请核实")


def test_case_numbers_are_readable_and_sequential(example, people, clock):
    clock.set(2026, 11, 26)
    first = actions.open_case("example", actor=people["agent"], title="a")
    second = actions.open_case("example", actor=people["agent"], title="b")
    assert first.number == "EX20261126-0001" and second.number == "EX20261126-0002"
    assert first.state == "intake" and first.current_unit.code == "110000"
    step = first.steps.get()
    assert step.due_at.date() == dt.date(2026, 11, 26)  # 当天


def test_only_the_declared_roles_open_cases(example, people):
    with pytest.raises(NotAllowed):
        actions.open_case("example", actor=people["st1"], title="x")


def test_dispatch_to_two_stations_with_a_filing_copy(example, people, tree):
    case = open_and_dispatch(people)
    steps = list(case.steps.filter(is_open=True).order_by("unit__code"))
    assert [s.unit.code for s in steps] == ["110101001", "110101002"]
    assert all(s.status == StepStatus.PENDING_SIGN and s.dispatcher_unit.code == "110000" for s in steps)
    assert all(s.deadline["rule"] == "working_days" and s.deadline["n"] == 7 for s in steps)
    assert case.state == "handling"
    # The filed-to district reads but cannot act; another district's station cannot even read.
    assert Case.objects.visible_to(people["dc"]).filter(pk=case.pk).exists()
    assert codes(case, people["dc"]) <= {"urge"}
    assert not Case.objects.visible_to(people["st3"]).filter(pk=case.pk).exists()
    assert Notification.objects.filter(event="case.dispatched", recipient_unit=tree["st1"]).exists()
    assert Notification.objects.filter(event="case.filed", recipient_unit=tree["dc"]).exists()


def test_dispatch_outside_scope_or_level_is_refused(example, people):
    case = actions.open_case("example", actor=people["agent"], title="x")
    with pytest.raises(ActionRefused):
        do(case, people["agent"], "dispatch", units="NOPE")
    with pytest.raises(ActionRefused):
        do(case, people["agent"], "dispatch", units="D02")  # a level-1 department is not a target level


def test_sign_then_return_then_redispatch(example, people, tree):
    case = open_and_dispatch(people)
    assert codes(case, people["st2"]) >= {"sign", "return"}
    assert "feedback" not in codes(case, people["st2"])  # must sign first
    do(case, people["st2"], "return", reason="not_ours", comment="不属于本站")
    review = Step.objects.get(case=case, kind=StepKind.REVIEW_RETURN)
    assert review.unit.code == "110000" and review.is_open
    assert codes(case, people["agent"]) >= {"rule_return"}
    do(case, people["agent"], "rule_return", decision="redispatch", units="110108012", comment="改派中关村")
    new = Step.objects.get(case=case, unit=tree["st3"])
    assert new.is_open and new.dispatcher_unit.code == "110000"
    assert Case.objects.visible_to(people["st3"]).filter(pk=case.pk).exists()  # now it takes part


def test_insist_after_return_sends_it_back(example, people, tree):
    case = open_and_dispatch(people, units=("110101002",), filed=())
    do(case, people["st2"], "return", reason="other", comment="看不懂")
    do(case, people["agent"], "rule_return", decision="insist", comment="请按职责办理")
    assert Step.objects.filter(case=case, unit=tree["st2"], is_open=True).count() == 1


def test_extension_request_approved_moves_the_deadline(example, people):
    case = open_and_dispatch(people)
    do(case, people["st1"], "sign")
    step = Step.objects.get(case=case, unit__code="110101001")
    before = step.due_at
    do(case, people["st1"], "request_extension", days=3, comment="需要走访企业")
    assert "request_extension" not in codes(case, people["st1"])  # one request at a time
    do(case, people["agent"], "decide_extension", decision="approve", comment="同意")
    step.refresh_from_db()
    assert step.extended_days == 3 and step.due_at > before and not step.extension_pending
    event = CaseEvent.objects.get(case=case, action="decide_extension")
    assert event.data == {"approved": True, "days": 3} and event.deadline["extension_of"] == 3


def test_extension_refused_keeps_the_deadline(example, people):
    case = open_and_dispatch(people)
    do(case, people["st1"], "sign")
    step = Step.objects.get(case=case, unit__code="110101001")
    do(case, people["st1"], "request_extension", days=2, comment="忙")
    do(case, people["agent"], "decide_extension", decision="refuse", comment="不同意")
    refreshed = Step.objects.get(pk=step.pk)
    assert refreshed.due_at == step.due_at and refreshed.extended_days == 0


@pytest.mark.parametrize("days,ok", [(0, False), (1, True), (10, True), (11, False)])
def test_extension_days_limits(example, people, days, ok):
    case = open_and_dispatch(people, units=("110101001",), filed=())
    do(case, people["st1"], "sign")
    if ok:
        do(case, people["st1"], "request_extension", days=days, comment="原因")
    else:
        with pytest.raises(ActionRefused):
            do(case, people["st1"], "request_extension", days=days, comment="原因")


def test_upper_levels_urge_and_the_unit_is_told(example, people, tree):
    case = open_and_dispatch(people)
    assert "urge" in codes(case, people["dc"])  # district over its stations
    assert "urge" not in codes(case, people["st1"])  # not from the same level
    do(case, people["dc"], "urge", kind="supervise", comment="请尽快办理")
    assert Step.objects.get(case=case, unit=tree["st1"]).urge_count == 1
    assert Notification.objects.filter(event="case.urged", recipient_unit=tree["st1"]).exists()
    assert CaseEvent.objects.filter(case=case, action="urge", actor=people["dc"]).exists()


def test_assign_reassign_and_escalate(example, people, tree):
    case = open_and_dispatch(people)
    do(case, people["st1"], "sign")
    do(case, people["st1"], "assign", assignee="sw1b")
    assert Step.objects.get(case=case, unit=tree["st1"]).assignee.username == "sw1b"
    with pytest.raises(ActionRefused):
        do(case, people["st1"], "assign", assignee="sw3")  # not a colleague
    old = Step.objects.get(case=case, unit=tree["st2"])
    do(case, people["agent"], "reassign", step=str(old.pk), unit="110108012", comment="辖区调整")
    moved = Step.objects.get(case=case, unit=tree["st3"])
    assert moved.due_at == old.due_at and Step.objects.get(pk=old.pk).status == StepStatus.REASSIGNED
    do(case, people["st1"], "escalate", comment="情况复杂")
    up = Step.objects.get(case=case, unit=tree["dc"], is_open=True)
    assert up.dispatcher_unit == tree["st1"] and up.state == "handling"


def test_feedback_joins_then_callback_close_and_reopen(example, people):
    case = open_and_dispatch(people)
    for who in ("st1", "st2"):
        do(case, people[who], "sign")
    with pytest.raises(ActionRefused):
        do(case, people["st1"], "feedback", result="已办")  # the definition's guard
    do(case, people["st1"], "feedback", result="已协调企业补发工资")
    assert Case.objects.get(pk=case.pk).state == "handling"  # waits for the other station
    do(case, people["st2"], "feedback", result="本站无此企业")
    case = Case.objects.get(pk=case.pk)
    assert case.state == "callback" and case.current_unit.code == "110000"
    assert case.steps.get(is_open=True).deadline["rule"] == "calendar_days"
    do(case, people["agent"], "close", satisfaction="unsatisfied", comment="职工不满意")
    case = Case.objects.get(pk=case.pk)
    assert case.is_closed and case.state == "closed" and not case.steps.filter(is_open=True).exists()
    do(case, people["agent"], "reopen", comment="职工要求重新办理")
    case = Case.objects.get(pk=case.pk)
    assert case.state == "callback" and not case.is_closed and case.reopen_count == 1


def test_required_fields_are_named(example, people):
    case = open_and_dispatch(people)
    do(case, people["st1"], "sign")
    with pytest.raises(ActionRefused) as err:
        do(case, people["st1"], "feedback")
    assert "办理结果" in str(err.value)


def test_filed_unit_and_strangers_cannot_act(example, people):
    case = open_and_dispatch(people)
    with pytest.raises(NotAllowed):
        do(case, people["dc"], "feedback", result="x")
    with pytest.raises(NotAllowed):
        do(case, people["st3"], "sign")


def test_concurrent_change_is_refused_and_nothing_half_applied(example, people):
    case = open_and_dispatch(people)
    stale = Case.objects.get(pk=case.pk)  # both users loaded this version
    do(case, people["st1"], "sign")
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(StaleCase):
        actions.perform(stale, "sign", actor=people["st2"], data={}, version=stale.version)
    assert CaseEvent.objects.filter(case=case).count() == events
    assert Step.objects.get(case=case, unit__code="110101002").status == StepStatus.PENDING_SIGN


def test_a_failing_effect_rolls_everything_back(example, people, monkeypatch):
    case = open_and_dispatch(people, units=("110101001",), filed=())
    do(case, people["st1"], "sign")
    monkeypatch.setattr("unionserve.workflow.actions._event", lambda *a, **k: (_ for _ in ()).throw(RuntimeError))
    with pytest.raises(RuntimeError):
        do(case, people["st1"], "feedback", result="完成")
    assert Step.objects.get(case=case, unit__code="110101001").is_open
    assert Case.objects.get(pk=case.pk).state == "handling"


def test_overdue_across_the_national_day_week(example, people, clock, tree):
    clock.set(2026, 9, 28)  # Monday before National Day (Oct 1–7 off, Sat Oct 10 worked)
    case = open_and_dispatch(people, units=("110101001",), filed=())
    step = Step.objects.get(case=case, unit=tree["st1"])
    assert step.due_at.date() == dt.date(2026, 10, 13)
    clock.set(2026, 10, 13, 9)
    report = sweep()
    assert report.overdue == 0 and report.due_soon == 1
    clock.set(2026, 10, 14, 9)
    report = sweep()
    assert report.overdue == 1 and report.escalated == 1  # on_overdue="escalate": the district is told
    assert sweep().overdue == 0  # marked once
    step.refresh_from_db()
    assert step.overdue
    # One digest per unit: the station that has it, the city that dispatched it, the district above the station.
    digests = Notification.objects.filter(event="steps.overdue", channel="in_app")
    assert {n.recipient_unit.code for n in digests} >= {"110101001", "110101"}
    assert case.number in digests.filter(recipient_unit=tree["dc"]).first().body
    assert CaseEvent.objects.filter(case=case, action="overdue").count() == 1


def test_paused_time_is_not_counted(example, people, clock, tree):
    clock.set(2026, 11, 2)  # Monday
    case = open_and_dispatch(people, units=("110101001",), filed=())
    do(case, people["st1"], "sign")
    clock.set(2026, 11, 4)  # two working days used
    do(case, people["st1"], "wait", comment="等职工补充劳动合同")
    waiting = Step.objects.get(case=case, is_open=True)
    assert waiting.due_at is None
    clock.set(2026, 11, 16)  # two weeks later
    do(case, people["st1"], "resume")
    resumed = Step.objects.get(case=case, is_open=True)
    assert resumed.deadline["n"] == 5  # 7 − 2 used before the pause
    assert resumed.due_at.date() == dt.date(2026, 11, 23)
