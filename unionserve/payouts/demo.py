"""Demo data of card payouts: a settled batch of mutual-aid claims paid by the mutual-insurance center (one line
refused by the bank and carried over), and payments waiting — one held because the member has no valid card."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from unionserve.accounts.models import User
from unionserve.cards.public import Card, CardStatus, valid_card
from unionserve.members.public import Member, MemberStatus

from . import actions
from .models import BatchLine, Payment
from .public import request_payment

PREFIX = "payoutsdemo:claim:"
SMS = "您好，在职工医疗互助保障计划互助金已打入您的京卡·互助服务卡，请注意查收。祝您幸福安康！"  # seed 003 §三
AMOUNTS = ["1977.00", "860.50", "2300.00", "415.80", "1200.00", "98.60", "3050.00", "640.00"]


def _ensure_card(member: Member, day: dt.date) -> None:
    # The cards demo gives most demo members a card; one made here has a synthetic BIN of its own (621998).
    if valid_card(member.pk, on=day) is None:
        Card.objects.get_or_create(number=f"621998{member.pk:013d}", defaults={
            "member": member, "status": CardStatus.ISSUED, "applied_at_unit": member.grassroots,
            "valid_from": dt.date(day.year - 1, 1, 1)})


def seed_demo() -> str:
    """Seed the demo rows (idempotent); returns a line saying what was added."""
    if Payment.objects.filter(source_key__startswith=PREFIX).exists():
        return "already there"
    office = User.objects.filter(username="insurance").first()
    members = list(Member.objects.filter(status=MemberStatus.ACTIVE).exclude(phone_encrypted="")
                   .select_related("grassroots").order_by("pk")[:len(AMOUNTS)])
    if office is None or len(members) < len(AMOUNTS):
        return "skipped (no insurance account or too few demo members)"
    today = timezone.localdate()
    without_card = members[5]
    for member in members:
        if member is not without_card:
            _ensure_card(member, today)

    def ask(i: int) -> Payment:
        return request_payment(source_key=f"{PREFIX}{i}", purpose="mutualaid.claim", member_id=members[i].pk,
                               amount=Decimal(AMOUNTS[i]), reference=f"互助理赔演示 {i + 1}", sms_text=SMS,
                               user=office)

    first = [ask(i) for i in range(6)]  # the sixth member has no valid card: held
    batch = actions.build_batch(purpose="mutualaid.claim", acting_user=office).batch
    assert batch is not None
    actions.write_payout_file(batch, acting_user=office)
    refused = first[2].source_key
    lines = BatchLine.objects.filter(batch=batch).order_by("seq")
    rows = [f"{ln.reference},{ln.amount:.2f},{'FAILED' if ln.reference == refused else 'PAID'},"
            f"{'账户状态异常' if ln.reference == refused else ''}" for ln in lines]
    total = sum((ln.amount for ln in lines), Decimal("0.00"))
    result = "\n".join([*rows, f"TRAILER,{len(rows)},{total:.2f}"]) + "\n"
    actions.apply_result(batch, result.encode("utf-8"), acting_user=office, filename="bank-result-demo.csv")
    ask(6), ask(7)  # waiting for the next batch
    return (f"batch {batch.number} settled ({len(rows) - 1} paid, 1 failed and carried over); "
            f"2 payments waiting, 1 held without a valid card")
