"""The claim process end to end: station → district agency → the office's decision within the caps of the plan in
force on the event date → payment to the card within 10 working days → paid on the bank's answer."""

import datetime as dt
from decimal import Decimal

import pytest

from unionserve import policy
from unionserve.mutualaid.models import Claim
from unionserve.workcalendar import service as calendar
from unionserve.workflow import actions as engine
from unionserve.workflow.errors import ActionRefused, NotAllowed

from .claims_fixtures import *  # noqa: F403  (the fixtures)
from .claims_fixtures import TZ, collect, settle, to_city

pytestmark = pytest.mark.django_db


def _claim(case) -> Claim:
    return Claim.objects.get(case=case)


def test_full_path_through_every_state(clock, cu, covered, tree, office_unit, django_capture_on_commit_callbacks):
    clock.set(2026, 9, 21)
    member = covered("王伟")
    case = collect(cu["station"], member, grade=3)
    assert case.state == "collected" and case.current_unit == tree["st1"]
    case = engine.perform(case, "submit", actor=cu["station"])
    assert case.state == "district_review" and case.current_unit == tree["dc"]
    case = engine.perform(case, "countersign", actor=cu["district"], data={"opinion": "同意"})
    # The claim goes to the city's mutual-insurance office, not to the district's parent (the city center).
    assert case.state == "city_decision" and case.current_unit == office_unit
    case = engine.perform(case, "approve", actor=cu["office"], data={"amount": "4000"})
    assert case.state == "pay"
    claim = _claim(case)
    assert claim.amount == Decimal("4000.00") and claim.decided_by == cu["office"]
    from unionserve.payouts.public import PaymentStatus, payment_for

    payment = payment_for(f"mutualaid:claim:{claim.pk}")
    assert payment.status == PaymentStatus.PENDING and payment.amount == Decimal("4000.00")
    assert payment.purpose == "mutualaid.claim" and payment.member == member
    assert payment.sms_text.startswith("您好，") and "已打入您的京卡·互助服务卡" in payment.sms_text
    # The policy versions the decision used: the disability cap and grade 3's share, as in force on the event date.
    assert claim.policy_record["mutualaid.accident_disability_max"]["version"] == 1
    assert claim.policy_record["mutualaid.claims.disability_grade_3"]["value"] == "80.00"
    # The paid state is reached only on the bank's answer.
    with pytest.raises(NotAllowed):
        engine.perform(case, "record_paid", actor=cu["district"])
    with pytest.raises(ActionRefused):
        engine.perform(case, "record_paid", actor=cu["office"])
    settle(claim, dt.date(2026, 9, 25))
    case.refresh_from_db()
    claim.refresh_from_db()
    assert case.state == "paid" and case.closed_at is not None and claim.paid_on == dt.date(2026, 9, 25)
    actions = list(case.events.values_list("action", flat=True))
    assert actions == ["opened", "submit", "countersign", "approve", "record_paid"]


def test_refused_with_reasons(clock, cu, covered):
    clock.set(2026, 9, 21)
    case = to_city(collect(cu["station"], covered("李娜"), "fire", loss=Decimal("8000")), cu)
    case = engine.perform(case, "refuse", actor=cu["office"],
                          data={"reason": "not_accident", "explanation": "起火原因为故意纵火"})
    claim = _claim(case)
    assert case.state == "refused" and claim.refusal_reasons == ["not_accident"]
    assert claim.refusal_text == "起火原因为故意纵火" and claim.amount is None
    from unionserve.payouts.public import payment_for

    assert payment_for(f"mutualaid:claim:{claim.pk}") is None


def test_district_sends_back_for_documents(clock, cu, covered, tree):
    clock.set(2026, 9, 21)
    case = engine.perform(collect(cu["station"], covered("赵强")), "submit", actor=cu["station"])
    case = engine.perform(case, "send_back", actor=cu["district"], data={"comment": "缺伤残鉴定"})
    assert case.state == "collected" and case.current_unit == tree["st1"]


def test_an_incomplete_claim_is_not_sent_up(clock, cu, covered):
    clock.set(2026, 9, 21)
    case = collect(cu["station"], covered("钱多"), complete=False)
    with pytest.raises(ActionRefused, match="Collect these documents|收齐以下材料"):
        engine.perform(case, "submit", actor=cu["station"])


def test_payment_deadline_is_10_working_days_on_the_calendar(clock, cu, covered):
    """Decided on Friday 2026-09-25 (the Mid-Autumn holiday, before the National Day week): the 10 working days
    are 9-28, 9-29, 9-30, (10-1…10-7 off), 10-8, 10-9, 10-10 (the make-up Saturday), 10-12, 10-13, 10-14, 10-15."""
    assert calendar.is_official_year(2026)
    assert not calendar.is_working_day(dt.date(2026, 10, 1)) and calendar.is_working_day(dt.date(2026, 10, 10))
    clock.set(2026, 9, 21)
    case = to_city(collect(cu["station"], covered("孙丽"), grade=10), cu)
    clock.set(2026, 9, 25, 15)
    case = engine.perform(case, "approve", actor=cu["office"], data={"amount": "500"})
    step = case.steps.get(state="pay", is_open=True)
    assert step.due_at.astimezone(TZ).date() == dt.date(2026, 10, 15)
    assert step.deadline["policy"]["key"] == "mutualaid.claims.pay_days"
    assert step.deadline["policy"]["value"] == "10"
    assert step.unit == case.current_unit


def test_overdue_payment_is_marked_and_escalated_by_the_sweep(clock, cu, covered):
    from unionserve.workflow import sweep

    clock.set(2026, 9, 21)
    case = to_city(collect(cu["station"], covered("周静"), grade=5), cu)
    case = engine.perform(case, "approve", actor=cu["office"], data={"amount": "3000"})
    clock.set(2026, 10, 16, 9)
    sweep.sweep()
    step = case.steps.get(state="pay", is_open=True)
    assert step.overdue
    assert case.events.filter(action="overdue").exists()


@pytest.mark.parametrize(("grade", "at_cap", "over"), [(1, "5000", "5000.01"), (3, "4000", "4000.01"),
                                                       (10, "500", "500.01")])
def test_disability_graded_cap(clock, cu, covered, grade, at_cap, over):
    clock.set(2026, 9, 21)
    case = to_city(collect(cu["station"], covered(f"伤残{grade}"), grade=grade), cu)
    with pytest.raises(ActionRefused, match=at_cap):
        engine.perform(case, "approve", actor=cu["office"], data={"amount": over})
    case.refresh_from_db()
    case = engine.perform(case, "approve", actor=cu["office"], data={"amount": at_cap})
    assert _claim(case).amount == Decimal(at_cap)


def test_death_benefit_cap(clock, cu, covered):
    clock.set(2026, 9, 21)
    case = to_city(collect(cu["station"], covered("身故"), "death"), cu)
    with pytest.raises(ActionRefused):
        engine.perform(case, "approve", actor=cu["office"], data={"amount": "20000.01"})
    case.refresh_from_db()
    case = engine.perform(case, "approve", actor=cu["office"], data={"amount": "20000"})
    assert _claim(case).amount == Decimal("20000.00")


def test_fire_loss_cap_and_assessed_loss(clock, cu, covered):
    clock.set(2026, 9, 21)
    big = to_city(collect(cu["station"], covered("火灾甲"), "fire", loss=Decimal("30000")), cu)
    with pytest.raises(ActionRefused, match="10000"):
        engine.perform(big, "approve", actor=cu["office"], data={"amount": "10000.01"})
    big.refresh_from_db()
    assert engine.perform(big, "approve", actor=cu["office"], data={"amount": "10000"}).state == "pay"
    # Never more than the assessed loss.
    small = to_city(collect(cu["station"], covered("火灾乙"), "fire", loss=Decimal("3000")), cu)
    with pytest.raises(ActionRefused, match="3000"):
        engine.perform(small, "approve", actor=cu["office"], data={"amount": "3000.01"})


@pytest.mark.parametrize("amount", ["0", "-5", "12.345", "abc", "1e3", "NaN"])
def test_amounts_that_are_not_money_are_refused(clock, cu, covered, amount):
    clock.set(2026, 9, 21)
    case = to_city(collect(cu["station"], covered("金额")), cu)
    with pytest.raises(ActionRefused):
        engine.perform(case, "approve", actor=cu["office"], data={"amount": amount})


def test_the_cap_in_force_on_the_event_date_applies(clock, cu, covered, make_user, tree):
    """A higher cap approved from 2026-09-10 does not apply to an event of 2026-09-01."""
    from unionserve.core.roles import Role
    from unionserve.policy import actions as policy_actions

    clock.set(2026, 9, 1)
    a, b = make_user(tree["city"], Role.CITY_OFFICE), make_user(tree["city"], Role.SYSTEM_ADMIN)
    proposal = policy_actions.propose("mutualaid.death_benefit", "30000", dt.date(2026, 9, 10), source="测试",
                                      reason="提高", acting_user=a)
    policy_actions.approve(proposal.pk, acting_user=b)
    clock.set(2026, 9, 21)
    old = to_city(collect(cu["station"], covered("旧"), "death", event_date=dt.date(2026, 9, 1)), cu)
    with pytest.raises(ActionRefused):
        engine.perform(old, "approve", actor=cu["office"], data={"amount": "20000.01"})
    new = to_city(collect(cu["station"], covered("新"), "death", event_date=dt.date(2026, 9, 15)), cu)
    new = engine.perform(new, "approve", actor=cu["office"], data={"amount": "30000"})
    assert _claim(new).policy_record["mutualaid.death_benefit"]["version"] == 2
    assert policy.value("mutualaid.death_benefit", on=dt.date(2026, 9, 1)).version == 1


def test_one_claim_per_event_and_person(clock, cu, covered):
    clock.set(2026, 9, 21)
    member = covered("重复")
    first = collect(cu["station"], member, event_date=dt.date(2026, 9, 3))
    with pytest.raises(ActionRefused, match=first.number):
        collect(cu["station"], member, event_date=dt.date(2026, 9, 3))
    assert Claim.objects.filter(member=member).count() == 1
    # Another event (another day, or a fire the same day) is another claim.
    collect(cu["station"], member, event_date=dt.date(2026, 9, 4))
    collect(cu["station"], member, "fire", event_date=dt.date(2026, 9, 3), loss=Decimal("100"))
    assert Claim.objects.filter(member=member).count() == 3


def test_the_database_refuses_a_second_claim_for_the_same_event(clock, cu, covered):
    from django.db import IntegrityError, transaction

    clock.set(2026, 9, 21)
    member = covered("约束")
    claim = _claim(collect(cu["station"], member, event_date=dt.date(2026, 9, 3)))
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(case=collect(cu["station"], member, event_date=dt.date(2026, 9, 4)), member=member,
                             claim_type=claim.claim_type, event_date=claim.event_date, event_summary="x",
                             station=claim.station)


def test_eligibility_on_the_event_date(clock, cu, covered, insured, tree):
    clock.set(2026, 9, 21)
    # Enrolled for 2026 only: an event of 2025 is not covered.
    member = covered("去年", years=(2026,))
    with pytest.raises(ActionRefused, match="2025-12-30"):
        collect(cu["station"], member, event_date=dt.date(2025, 12, 30))
    # Enrolled in the medical plan only.
    medical_only = insured(tree["g1"], "只参加医疗", codes=("medical",))
    with pytest.raises(ActionRefused):
        collect(cu["station"], medical_only)
    assert not Claim.objects.exists()


def test_event_dates_are_bounded(clock, cu, covered):
    clock.set(2026, 9, 21)
    member = covered("日期")
    with pytest.raises(ActionRefused):
        collect(cu["station"], member, event_date=dt.date(2026, 9, 22))
    with pytest.raises(ActionRefused):
        collect(cu["station"], member, event_date=dt.date(2020, 1, 1))


def test_a_station_cannot_collect_for_another_stations_member(clock, cu, covered, tree):
    clock.set(2026, 9, 21)
    elsewhere = covered("海淀会员", unit=tree["g3"])
    with pytest.raises(ActionRefused):
        collect(cu["station"], elsewhere)


def test_a_social_worker_cannot_decide(clock, cu, covered):
    clock.set(2026, 9, 21)
    case = to_city(collect(cu["station"], covered("社工")), cu)
    for who in ("station", "district", "city"):
        with pytest.raises(NotAllowed):
            engine.perform(case, "approve", actor=cu[who], data={"amount": "100"})
    assert case.state == "city_decision"


def test_a_failed_payment_is_noted_and_the_case_waits(clock, cu, covered):
    from unionserve.payouts.public import PaymentStatus, payment_for, payment_settled

    clock.set(2026, 9, 21)
    case = to_city(collect(cu["station"], covered("失败")), cu)
    case = engine.perform(case, "approve", actor=cu["office"], data={"amount": "100"})
    payment = payment_for(f"mutualaid:claim:{_claim(case).pk}")
    payment.status, payment.failure_reason = PaymentStatus.FAILED, "卡已挂失"
    payment.save()
    payment_settled.send(sender=type(payment), payment=payment)
    case.refresh_from_db()
    assert case.state == "pay"
    assert case.events.filter(action="payment_failed", comment="卡已挂失").exists()
