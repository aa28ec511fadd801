"""The quarterly medical batch: payouts hand-computed at, under and over the caps (defaults: outpatient deductible
55 yuan at 50 %, inpatient deductible 300 yuan at 60 %; caps 100,653 and 103,316 yuan)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from unionserve.members.models import SpecialGroup, SpecialGroupRecord
from unionserve.mutualaid import actions, medical
from unionserve.mutualaid.models import BatchState, ExpenseLine, FileImport, LineState

from .helpers import expense_csv

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


def run(tmp_path, user, office, lines, year=2026, quarter=1, name="q.csv"):
    path = expense_csv(tmp_path, lines, name=name)
    return actions.import_expenses(path=path, name=name, year=year, quarter=quarter, office=office,
                                   acting_user=user)


def line_of(batch, row):
    return ExpenseLine.objects.get(batch=batch, row=row)


def special(member, group, since, until=None):
    SpecialGroupRecord.objects.create(member=member, group=group, since=dt.datetime(*since, 9, tzinfo=TZ),
                                      until=dt.datetime(*until, 9, tzinfo=TZ) if until else None)


def test_model_worker_paid_exactly_up_to_the_special_cap(tmp_path, tree, insured, ma_users):
    m = insured(tree["g1"], "劳模甲")
    special(m, SpecialGroup.MODEL_WORKER, (2025, 1, 1))
    # (166966.67 − 300) × 60 % = 100000.002 → 100000.00; (5826.67 − 300) × 60 % = 3316.002 → 3316.00: 103,316.
    batch = run(tmp_path, ma_users["office"], tree["city"], [
        (m, "住院", "2026-01-05", "2026-01-20", "166966.67"),
        (m, "住院", "2026-02-05", "2026-02-10", "5826.67"),
    ])
    first, second = line_of(batch, 2), line_of(batch, 3)
    assert (first.computed, first.payout, first.cap, first.special_cap) == (D("100000.00"), D("100000.00"),
                                                                           D("103316.00"), True)
    assert (second.computed, second.payout, second.paid_before) == (D("3316.00"), D("3316.00"), D("100000.00"))
    assert "over_cap" not in second.flags and "near_cap" in second.flags
    assert second.policy_versions == {
        "mutualaid.medical.inpatient_deductible": {"version": 1, "value": "300.00"},
        "mutualaid.medical.inpatient_ratio": {"version": 1, "value": "60.00"},
        "mutualaid.medical_special_cap": {"version": 1, "value": "103316.00"}}
    assert batch.total_payout == D("103316.00")


def test_model_worker_one_yuan_over_the_special_cap(tmp_path, tree, insured, ma_users):
    m = insured(tree["g1"], "劳模乙")
    special(m, SpecialGroup.HARDSHIP, (2025, 1, 1))
    # 100000.00 + 3316.00 as above, then an outpatient line (57 − 55) × 50 % = 1.00: one yuan over, paid 0.
    batch = run(tmp_path, ma_users["office"], tree["city"], [
        (m, "住院", "2026-01-05", "2026-01-20", "166966.67"),
        (m, "住院", "2026-02-05", "2026-02-10", "5826.67"),
        (m, "门诊", "2026-03-01", "2026-03-01", "57.00"),
    ])
    over = line_of(batch, 4)
    assert (over.computed, over.payout, over.paid_before) == (D("1.00"), D("0.00"), D("103316.00"))
    assert over.state == LineState.FLAGGED and "over_cap" in over.flags
    assert batch.total_payout == D("103316.00")


def test_ordinary_member_crosses_the_cap_in_the_second_quarter(tmp_path, tree, insured, ma_users):
    m = insured(tree["g1"], "普通")
    # Q1: (150300 − 300) × 60 % = 90000.00.
    q1 = run(tmp_path, ma_users["office"], tree["city"], [(m, "住院", "2026-02-01", "2026-02-10", "150300")],
             quarter=1, name="q1.csv")
    assert line_of(q1, 2).payout == D("90000.00")
    # Q2: (20300 − 300) × 60 % = 12000.00 but 100653 − 90000 = 10653.00 remain; then (255 − 55) × 50 % = 100 → 0.
    q2 = run(tmp_path, ma_users["office"], tree["city"], [
        (m, "门诊", "2026-05-02", "2026-05-02", "255"),
        (m, "住院", "2026-04-10", "2026-04-20", "20300"),
    ], quarter=2, name="q2.csv")
    inpatient, outpatient = line_of(q2, 3), line_of(q2, 2)
    assert (inpatient.computed, inpatient.paid_before, inpatient.payout) == (D("12000.00"), D("90000.00"),
                                                                           D("10653.00"))
    assert inpatient.cap == D("100653.00") and not inpatient.special_cap and "over_cap" in inpatient.flags
    # Sorted by visit date: the April stay took the room before the May outpatient visit.
    assert (outpatient.computed, outpatient.paid_before, outpatient.payout) == (D("100.00"), D("100653.00"),
                                                                              D("0.00"))


def test_just_under_the_ordinary_cap(tmp_path, tree, insured, ma_users):
    m = insured(tree["g1"], "差一元")
    # (168053.33 − 300) × 60 % = 100651.998 → 100652.00: one yuan under the cap, paid in full, near the cap.
    batch = run(tmp_path, ma_users["office"], tree["city"], [(m, "住院", "2026-01-05", "2026-01-20", "168053.33")])
    line = line_of(batch, 2)
    assert (line.computed, line.payout) == (D("100652.00"), D("100652.00"))
    assert "near_cap" in line.flags and "over_cap" not in line.flags


def test_status_changed_mid_year(tmp_path, tree, insured, ma_users):
    m = insured(tree["g1"], "年中劳模")
    special(m, SpecialGroup.MODEL_WORKER, (2026, 5, 1))
    # February, ordinary: (168055 − 300) × 60 % = 100653.00, exactly the ordinary cap.
    q1 = run(tmp_path, ma_users["office"], tree["city"], [(m, "住院", "2026-02-01", "2026-02-10", "168055")],
             quarter=1, name="q1.csv")
    feb = line_of(q1, 2)
    assert (feb.payout, feb.cap, feb.special_cap) == (D("100653.00"), D("100653.00"), False)
    # June, a model worker since May: (5300 − 300) × 60 % = 3000.00, 103316 − 100653 = 2663.00 remain.
    q2 = run(tmp_path, ma_users["office"], tree["city"], [(m, "住院", "2026-06-01", "2026-06-05", "5300")],
             quarter=2, name="q2.csv")
    june = line_of(q2, 2)
    assert (june.computed, june.payout, june.cap, june.special_cap) == (D("3000.00"), D("2663.00"),
                                                                      D("103316.00"), True)


def test_a_line_paid_in_an_earlier_quarter_is_rejected(tmp_path, tree, insured, ma_users):
    m = insured(tree["g1"], "重复")
    line = (m, "门诊", "2026-03-30", "2026-03-30", "455.50")
    q1 = run(tmp_path, ma_users["office"], tree["city"], [line], quarter=1, name="q1.csv")
    assert line_of(q1, 2).payout == D("200.25")  # (455.50 − 55) × 50 %
    q2 = run(tmp_path, ma_users["office"], tree["city"], [line, line], quarter=2, name="q2.csv")
    again = line_of(q2, 2)
    assert (again.state, again.reason, again.payout, again.line_key) == (LineState.REJECTED, "already_paid",
                                                                        D("0"), None)
    assert line_of(q2, 3).reason in ("already_paid", "duplicate")


def test_lines_not_payable_are_kept_rejected_with_their_reason(tmp_path, tree, insured, ma_users):
    ok = insured(tree["g1"], "有卡")
    no_card = insured(tree["g1"], "无卡", card_from=None)
    late_card = insured(tree["g1"], "晚卡", card_from=dt.date(2026, 3, 1))
    no_plan = insured(tree["g1"], "未参加", codes=("inpatient",))
    uninsured = insured(tree["g1"], "无社保", social=False)
    from unionserve.members.tests.factories import id_number

    batch = run(tmp_path, ma_users["office"], tree["city"], [
        (ok, "门诊", "2026-01-10", "2026-01-10", "150"),
        (no_card, "门诊", "2026-01-10", "2026-01-10", "150"),
        (late_card, "门诊", "2026-02-10", "2026-02-10", "150"),
        (no_plan, "门诊", "2026-01-10", "2026-01-10", "150"),
        (uninsured, "门诊", "2026-01-10", "2026-01-10", "150"),
        (id_number(seq=777), "门诊", "2026-01-10", "2026-01-10", "150"),
        (ok, "门诊", "2026-01-11", "2026-01-11", "40"),
    ])
    reasons = dict(batch.expense_lines.values_list("row", "reason"))
    assert reasons == {2: "", 3: "no_card", 4: "no_card", 5: "not_enrolled", 6: "no_social_insurance",
                       7: "unknown_member", 8: ""}
    assert line_of(batch, 8).payout == D("0.00")  # under the deductible
    assert batch.rejected == 5


def test_a_file_with_unreadable_lines_is_refused_whole(tmp_path, tree, insured, ma_users):
    m = insured(tree["g1"], "甲")
    path = expense_csv(tmp_path, [
        (m, "门诊", "2026-01-10", "2026-01-10", "150"),
        ("110101199003070000", "门诊", "2026-01-10", "2026-01-10", "150"),
        (m, "急诊", "2026-13-01", "2026-01-10", "-5"),
        (m, "门诊", "2026-05-01", "2026-05-01", "150"),
    ])
    with pytest.raises(medical.BatchRefused) as refused:
        actions.import_expenses(path=path, name="q.csv", year=2026, quarter=1, office=tree["city"],
                                acting_user=ma_users["office"])
    rec = refused.value.record
    assert rec.error_count == 5 and {e[0] for e in rec.errors} == {3, 4, 5}
    assert not ExpenseLine.objects.exists()
    assert FileImport.objects.get(pk=rec.pk).errors[0][1] == "身份证号"


def test_the_same_file_is_not_read_twice(tmp_path, tree, insured, ma_users):
    m = insured(tree["g1"], "甲")
    run(tmp_path, ma_users["office"], tree["city"], [(m, "门诊", "2026-01-10", "2026-01-10", "150")])
    with pytest.raises(medical.BatchRefused):
        run(tmp_path, ma_users["office"], tree["city"], [(m, "门诊", "2026-01-10", "2026-01-10", "150")])


def test_two_reviews_by_two_people_then_payment_and_settlement(tmp_path, tree, insured, ma_users):
    from unionserve.payouts import public as payouts

    a, b = insured(tree["g1"], "甲"), insured(tree["g3"], "乙")
    batch = run(tmp_path, ma_users["office"], tree["city"], [
        (a, "门诊", "2026-01-10", "2026-01-10", "155"),
        (b, "住院", "2026-01-10", "2026-01-12", "99300"),  # an outlier beside a 150-yuan line
        (b, "门诊", "2026-01-20", "2026-01-20", "250"),
    ])
    flagged = list(batch.expense_lines.filter(state=LineState.FLAGGED))
    assert flagged
    office, office2 = ma_users["office"], ma_users["office2"]
    with pytest.raises(actions.ActionRefused):
        actions.finish_first_review(batch, acting_user=office)  # flagged lines left
    with pytest.raises(actions.ActionRefused):
        actions.refuse_line(flagged[0], acting_user=office, note="")
    big = line_of(batch, 3)
    if big.state == LineState.FLAGGED:
        actions.refuse_line(big, acting_user=office, note="发票存疑")
    for line in batch.expense_lines.filter(state=LineState.FLAGGED):
        actions.clear_line(line, acting_user=office)
    batch = actions.finish_first_review(batch, acting_user=office)
    assert batch.state == BatchState.SECOND_REVIEW
    with pytest.raises(actions.ActionRefused):
        actions.approve_batch(batch, acting_user=office)  # the second reviewer is the first
    batch = actions.approve_batch(batch, acting_user=office2)
    assert batch.state == BatchState.APPROVED and batch.second_reviewer == office2
    paid_line = line_of(batch, 2)
    assert paid_line.state == LineState.REQUESTED
    payment = payouts.payment_for(f"mutualaid:medical:{paid_line.pk}")
    assert payment.amount == D("50.00") and "已打入您的京卡·互助服务卡" in payment.sms_text
    assert line_of(batch, 3).state == LineState.REFUSED
    assert payouts.payment_for(f"mutualaid:medical:{line_of(batch, 3).pk}") is None
    payment.status, payment.paid_on = payouts.PaymentStatus.PAID, dt.date(2026, 4, 20)
    payment.save()
    payouts.payment_settled.send(sender=None, payment=payment)
    paid_line.refresh_from_db()
    assert (paid_line.state, paid_line.paid_on) == (LineState.PAID, dt.date(2026, 4, 20))


def test_refusing_a_line_frees_the_cap_for_the_later_lines(tmp_path, tree, insured, ma_users):
    m = insured(tree["g1"], "甲")
    batch = run(tmp_path, ma_users["office"], tree["city"], [
        (m, "住院", "2026-01-05", "2026-01-20", "168055"),   # 100653.00: the whole cap
        (m, "住院", "2026-02-05", "2026-02-10", "5300"),     # 3000.00 computed, 0 paid
    ])
    assert line_of(batch, 3).payout == D("0.00")
    actions.refuse_line(line_of(batch, 2), acting_user=ma_users["office"], note="重复报销")
    assert line_of(batch, 3).payout == D("3000.00")
    batch.refresh_from_db()
    assert batch.total_payout == D("3000.00")
