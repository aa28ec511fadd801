"""Card payouts: one payment per source, batches, the bank's files, reconciliation — never twice, nothing lost."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from unionserve.audit.models import AuditEvent
from unionserve.cards.public import CardStatus
from unionserve.core.money import MAX_AMOUNT
from unionserve.notifications.models import Notification
from unionserve.payouts import actions, public
from unionserve.payouts.models import BatchLine, BatchStatus, HoldReason, LineOutcome, Payment, PaymentStatus
from unionserve.visits.public import ServedVisit

from .conftest import give_card
from .helpers import result_file

TODAY = dt.date(2026, 12, 8)


def _build(office, purpose="mutualaid.claim"):
    return actions.build_batch(purpose=purpose, acting_user=office, on=TODAY)


def _sent(office, purpose="mutualaid.claim"):
    report = _build(office, purpose)
    actions.write_payout_file(report.batch, acting_user=office)
    report.batch.refresh_from_db()
    return report.batch


# --- asking for a payment ------------------------------------------------------------------------------------


def test_requesting_twice_gives_the_same_payment(members, ask, office):
    first = ask(members["a"], "120.50", key="mutualaid:claim:7")
    again = ask(members["a"], "120.50", key="mutualaid:claim:7")
    assert first.pk == again.pk and Payment.objects.count() == 1
    with pytest.raises(ValidationError):
        ask(members["a"], "120.51", key="mutualaid:claim:7")
    assert public.payment_for("mutualaid:claim:7").amount == Decimal("120.50")


@pytest.mark.parametrize("amount", ["0", "-1", "0.001", "1.005", str(MAX_AMOUNT + Decimal("0.01")), "NaN"])
def test_amounts_outside_the_limits_are_refused(members, office, amount):
    with pytest.raises(ValidationError):
        public.request_payment(source_key="k:1", purpose="mutualaid.claim", member_id=members["a"].pk,
                               amount=Decimal(amount), user=office)
    assert not Payment.objects.exists()


def test_amount_limits_that_pass_and_floats_refused(members, office):
    for key, amount in (("k:min", Decimal("0.01")), ("k:max", MAX_AMOUNT)):
        public.request_payment(source_key=key, purpose="mutualaid.claim", member_id=members["a"].pk,
                               amount=amount, user=office)
    with pytest.raises(ValidationError):
        public.request_payment(source_key="k:float", purpose="mutualaid.claim", member_id=members["a"].pk,
                               amount=12.5, user=office)
    with pytest.raises(ValidationError):
        public.request_payment(source_key="k:p", purpose="Mutual aid!", member_id=members["a"].pk,
                               amount=Decimal("1"), user=office)


# --- building a batch ----------------------------------------------------------------------------------------


def test_build_snapshots_the_valid_card_and_holds_members_without_one(members, ask, office):
    old = give_card(members["a"], status=CardStatus.REPLACED, valid_from=dt.date(2018, 1, 1))
    pa, pb, pn = ask(members["a"], "100.00"), ask(members["b"], "50.25"), ask(members["nocard"], "70.00")
    ph = ask(members["hd"], "30.00")  # 海淀: outside the 东城 office's scope
    report = _build(office)
    batch = report.batch
    assert (batch.line_count, batch.total, report.added, report.held) == (2, Decimal("150.25"), 2, 1)
    pa.refresh_from_db(), pb.refresh_from_db(), pn.refresh_from_db(), ph.refresh_from_db()
    assert pa.status == pb.status == PaymentStatus.IN_BATCH and pa.batch_id == batch.pk
    assert pa.card_number == members["a"].cards.get(status=CardStatus.ISSUED).number != old.number
    assert pn.status == PaymentStatus.PENDING and pn.hold == HoldReason.NO_CARD and pn.batch_id is None
    assert ph.status == PaymentStatus.PENDING and ph.batch_id is None
    assert AuditEvent.objects.filter(action=actions.BATCH_BUILT, object_id=str(batch.pk)).count() == 1
    # Building twice: nothing is waiting any more (the card-less one is held), so no second batch.
    with pytest.raises(ValidationError):
        _build(office)
    assert BatchLine.objects.count() == 2


def test_a_card_given_later_releases_the_held_payment(members, ask, office):
    held = ask(members["nocard"], "70.00")
    with pytest.raises(ValidationError, match="valid Jingka card"):
        _build(office)
    held.refresh_from_db()
    assert held.hold == HoldReason.NO_CARD and not actions.PayoutBatch.objects.exists()
    give_card(members["nocard"])
    batch = _build(office).batch
    held.refresh_from_db()
    assert held.hold == "" and held.batch_id == batch.pk


def test_family_purpose_takes_every_purpose_of_the_area(members, ask, office):
    ask(members["a"], "10.00", purpose="assistance.winter")
    ask(members["b"], "20.00", purpose="assistance.school")
    ask(members["a"], "30.00", purpose="mutualaid.claim")
    assert "assistance.*" in actions.pending_purposes(office)
    batch = _build(office, "assistance.*").batch
    assert batch.line_count == 2 and batch.total == Decimal("30.00")


def test_invalid_purpose_refused(office):
    with pytest.raises(ValidationError):
        actions.build_batch(purpose="x; drop", acting_user=office)


# --- the payout file -----------------------------------------------------------------------------------------


def test_payout_file_format_checksum_and_idempotent_write(members, ask, office):
    ask(members["a"], "100", key="mutualaid:claim:1")
    ask(members["b"], str(MAX_AMOUNT), key="mutualaid:claim:2")
    batch = _build(office).batch
    content = actions.write_payout_file(batch, acting_user=office)
    batch.refresh_from_db()
    lines = content.decode("utf-8").splitlines()
    card_a = members["a"].cards.get().number
    assert lines[0] == f"1,{card_a},崔建国,100.00,mutualaid:claim:1"
    assert lines[1].endswith(',"王丽,华",999999999999.99,mutualaid:claim:2')  # the comma in the name is quoted
    assert lines[2] == "TRAILER,2,1000000000099.99"
    assert batch.status == BatchStatus.SENT and batch.file_sha256 == hashlib.sha256(content).hexdigest()
    assert (batch.file_count, batch.file_total) == (2, Decimal("1000000000099.99"))
    again = actions.write_payout_file(batch, acting_user=office)
    assert again == content
    assert AuditEvent.objects.filter(action=actions.FILE_WRITTEN).count() == 1
    assert AuditEvent.objects.filter(action=actions.FILE_DOWNLOADED).count() == 1


# --- the result file -----------------------------------------------------------------------------------------


def test_result_pays_sends_sms_records_visit_and_signals(members, ask, office):
    text = "您好，在职工医疗互助保障计划互助金已打入您的京卡·互助服务卡，请注意查收。"
    pa = ask(members["a"], "1977.00", sms_text=text)
    pb = ask(members["b"], "50.00")
    batch = _sent(office)
    seen = []

    def receiver(sender, payment, **kwargs):
        seen.append((payment.source_key, payment.status))

    public.payment_settled.connect(receiver)
    try:
        report = actions.apply_result(batch, result_file(batch, {pb.source_key: "卡已挂失"}), acting_user=office,
                                      on=TODAY)
        assert (report.paid, report.failed, report.already) == (1, 1, False)
        pa.refresh_from_db(), pb.refresh_from_db(), batch.refresh_from_db()
        assert pa.status == PaymentStatus.PAID and pa.paid_on == TODAY
        assert pb.status == PaymentStatus.FAILED and pb.failure_reason == "卡已挂失" and pb.batch_id is None
        assert pb.failures == 1 and batch.status == BatchStatus.SETTLED
        sms = Notification.objects.get(event="payouts.paid")
        assert sms.channel == "sms" and sms.to_address == "13800000001" and sms.body == pa.sms_text
        visit = ServedVisit.objects.get()
        assert (visit.member_id, visit.day, visit.service, visit.source) == (members["a"].pk, TODAY, "mutualaid",
                                                                            batch.number)
        assert sorted(seen) == sorted([(pa.source_key, "paid"), (pb.source_key, "failed")])
        # The same file again: nothing changes, nothing is sent or signalled twice.
        again = actions.apply_result(batch, result_file(batch, {pb.source_key: "卡已挂失"}), acting_user=office)
        assert again.already and (again.paid, again.failed) == (0, 0)
        assert Notification.objects.filter(event="payouts.paid").count() == 1 and ServedVisit.objects.count() == 1
        assert len(seen) == 2
        # Another file for a settled batch is refused.
        with pytest.raises(ValidationError, match="Another result file"):
            actions.apply_result(batch, result_file(batch), acting_user=office)
    finally:
        public.payment_settled.disconnect(receiver)
    assert actions.is_balanced(actions.reconcile(batch))


def test_failed_payment_is_carried_to_the_next_batch(members, ask, office):
    pa, pb = ask(members["a"], "10.00"), ask(members["b"], "20.00")
    first = _sent(office)
    actions.apply_result(first, result_file(first, {pb.source_key: "户名不符"}), acting_user=office)
    assert [p.source_key for p in Payment.objects.filter(status=PaymentStatus.FAILED)] == [pb.source_key]
    second = _sent(office)
    assert second.pk != first.pk and list(second.lines.values_list("payment_id", flat=True)) == [pb.pk]
    actions.apply_result(second, result_file(second), acting_user=office)
    pb.refresh_from_db()
    assert pb.status == PaymentStatus.PAID and pb.batch_id == second.pk and pb.failures == 1
    # Its history: failed in the first batch, paid in the second; paid once in all.
    assert list(pb.lines.order_by("batch_id").values_list("outcome", "reason")) == [
        (LineOutcome.FAILED, "户名不符"), (LineOutcome.PAID, "")]
    assert BatchLine.objects.filter(outcome=LineOutcome.PAID).count() == 2
    assert Notification.objects.filter(event="payouts.paid").count() == 2
    assert pa.lines.count() == 1


def _assert_untouched(batch):
    batch.refresh_from_db()
    assert batch.status == BatchStatus.SENT and batch.result_sha256 == ""
    assert not batch.lines.exclude(outcome=LineOutcome.SENT).exists()
    assert not Payment.objects.filter(status__in=[PaymentStatus.PAID, PaymentStatus.FAILED]).exists()
    assert not Notification.objects.filter(event="payouts.paid").exists()


@pytest.mark.parametrize("kind, expected", [
    ("unknown", "未知"),
    ("other_batch", "不在批次"),
    ("amount", "不一致"),
    ("duplicate", "重复"),
    ("trailer_count", "尾行"),
    ("trailer_total", "尾行"),
    ("no_trailer", "尾行"),
    ("missing", "没有结果"),
    ("bad_status", "PAID 或 FAILED"),
    ("bad_amount", "两位小数"),
    ("columns", "4 个字段"),
    ("encoding", "UTF-8"),
])
def test_bad_result_files_are_refused_whole(members, ask, office, kind, expected, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    pa, _pb = ask(members["a"], "10.00"), ask(members["b"], "20.00")
    batch = _sent(office)
    other = ask(members["a"], "5.00", purpose="mutualaid.medical")
    ref = pa.source_key
    content = {
        "unknown": lambda: result_file(batch, extra=["mutualaid:claim:999,1.00,PAID,"],
                                       trailer="TRAILER,3,31.00"),
        "other_batch": lambda: result_file(batch, extra=[f"{other.source_key},5.00,PAID,"],
                                           trailer="TRAILER,3,35.00"),
        "amount": lambda: result_file(batch, amounts={ref: "10.01"}),
        "duplicate": lambda: result_file(batch, extra=[f"{ref},10.00,PAID,"], trailer="TRAILER,3,40.00"),
        "trailer_count": lambda: result_file(batch, trailer="TRAILER,3,30.00"),
        "trailer_total": lambda: result_file(batch, trailer="TRAILER,2,30.01"),
        "no_trailer": lambda: result_file(batch, trailer=""),
        "missing": lambda: result_file(batch, drop={ref}),
        "bad_status": lambda: result_file(batch).replace(b",PAID,", b",OK,", 1),
        "bad_amount": lambda: result_file(batch, amounts={ref: "10"}),
        "columns": lambda: result_file(batch).replace(b",PAID,", b",PAID,x,", 1),
        "encoding": lambda: "参考号".encode("gbk") + b"\n",
    }[kind]()
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(actions.ResultRefused) as refused:
        actions.apply_result(batch, content, acting_user=office)
    assert any(expected in m for m in refused.value.messages), refused.value.messages
    _assert_untouched(batch)
    assert AuditEvent.objects.filter(action=actions.RESULT_REFUSED).count() == 1
    # Then the right file goes through.
    actions.apply_result(batch, result_file(batch), acting_user=office)
    assert Payment.objects.filter(status=PaymentStatus.PAID).count() == 2


def test_row_errors_name_the_line(members, ask, office):
    ask(members["a"], "10.00")
    batch = _sent(office)
    with pytest.raises(actions.ResultRefused) as refused:
        actions.apply_result(batch, b"mutualaid:claim:1,11.00,PAID,\nTRAILER,1,11.00\n", acting_user=office)
    assert refused.value.messages[0].startswith("Line 1:")


def test_result_before_the_file_is_written_is_refused(members, ask, office):
    ask(members["a"], "10.00")
    batch = _build(office).batch
    with pytest.raises(ValidationError, match="Write the payout file"):
        actions.apply_result(batch, result_file(batch), acting_user=office)


# --- reconciliation ------------------------------------------------------------------------------------------


def test_reconciliation_detects_a_changed_line(members, ask, office):
    ask(members["a"], "10.00"), ask(members["b"], "20.00")
    batch = _build(office).batch
    assert actions.is_balanced(actions.reconcile(batch))
    # A line altered behind the batch's back (by hand in the database): the table shows ✗, no file is written.
    BatchLine.objects.filter(batch=batch, seq=1).update(amount=Decimal("11.00"))
    rows = actions.reconcile(batch)
    assert not actions.is_balanced(rows)
    assert [r.ok for r in rows][:2] == [True, False]
    with pytest.raises(ValidationError, match="no longer match"):
        actions.write_payout_file(batch, acting_user=office)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.OPEN


def test_reconciliation_after_settlement_balances(members, ask, office):
    _pa, pb = ask(members["a"], "10.00"), ask(members["b"], "20.00")
    batch = _sent(office)
    actions.apply_result(batch, result_file(batch, {pb.source_key: "x"}), acting_user=office)
    rows = {r.label: r for r in actions.reconcile(batch)}
    assert rows["Bank result: paid"].total == Decimal("10.00")
    assert rows["Bank result: failed"].total == Decimal("20.00")
    assert rows["Bank result: paid + failed"].ok is True and rows["Lines settled"].ok is True


# --- permissions ---------------------------------------------------------------------------------------------


def test_only_the_office_acts(members, ask, users, office):
    ask(members["a"], "10.00")
    for who in ("station", "district"):  # a social worker; center staff (read-only)
        with pytest.raises(PermissionDenied):
            actions.build_batch(purpose="mutualaid.claim", acting_user=users[who])
    batch = _build(office).batch
    with pytest.raises(PermissionDenied):
        actions.write_payout_file(batch, acting_user=users["district"])


def test_the_city_mutual_insurance_center_pays_city_wide(tree, members, ask, make_user):
    from unionserve.core.roles import Role

    center = make_user(tree["dept"], Role.MUTUAL_INSURANCE, username="d07")  # a department: no members below it
    ask(members["a"], "1.00"), ask(members["hd"], "2.00")
    batch = actions.build_batch(purpose="mutualaid.claim", acting_user=center, on=TODAY).batch
    assert batch.line_count == 2 and batch.org_unit == tree["dept"]
    assert actions.payout_scope(center).contains_unit(tree["g3"])


def test_overlapping_offices_never_take_the_same_payment(tree, members, ask, office, users):
    pa = ask(members["a"], "10.00")
    city_batch = actions.build_batch(purpose="mutualaid.*", acting_user=users["city"], on=TODAY).batch
    assert list(city_batch.lines.values_list("payment_id", flat=True)) == [pa.pk]
    with pytest.raises(ValidationError):  # the district office finds nothing left to pay
        _build(office)
    from django.db import IntegrityError, transaction

    other = actions.PayoutBatch.objects.create(number="PO-OTHER", purpose="mutualaid.claim", org_unit=tree["dc"],
                                               created_by=office)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses a second open line
        BatchLine.objects.create(batch=other, payment=pa, seq=1, card_number="1", member_name="x",
                                 amount=Decimal("10.00"), reference=pa.source_key)
