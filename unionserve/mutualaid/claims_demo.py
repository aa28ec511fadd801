"""Demo claims: one in every state of the process, at the demo station 东华门街道 (user `station`), the district
agency 东城区 (`dongcheng`) and the mutual-insurance office (`insurance`).

`seed_demo_claims()` is called by the app's `demo.seed_demo` (after the members' demo). It gives the members it
uses a Jingka card and the accident and fire-loss plan's enrolment when they have none (the demo's members come
before the plans), then takes every step through the engine, as people would.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from unionserve import policy
from unionserve.accounts.models import User
from unionserve.cards import public as cards
from unionserve.members import public as members
from unionserve.payouts import public as payouts
from unionserve.workflow import actions as engine
from unionserve.workflow import sweep
from unionserve.workflow.demo import backdate

from . import claims_actions, claims_rules
from .catalog import ACCIDENT_FIRE
from .models import DOCUMENTS_BY_TYPE, Claim, ClaimType, Enrolment, Plan

# (name suffix for the summary, claim type, days ago of the event, grade, assessed loss as a share of the fire cap
# in percent, the state to reach)
SCENARIOS = (
    ("collected", ClaimType.DISABILITY, 12, 6, None),
    ("district_review", ClaimType.FIRE, 20, None, 45),
    ("city_decision", ClaimType.DEATH, 30, None, None),
    ("refused", ClaimType.DISABILITY, 40, 9, None),
    ("pay", ClaimType.FIRE, 50, None, 80),
    ("paid", ClaimType.DISABILITY, 60, 4, None),
    ("overdue", ClaimType.DISABILITY, 90, 8, None),
)
SUMMARIES = {
    ClaimType.DISABILITY: "下班途中骑车被撞，左腿骨折，经鉴定构成伤残",
    ClaimType.DEATH: "周末外出遭遇交通事故，经抢救无效身故",
    ClaimType.FIRE: "家中电器短路起火，家具家电烧毁，消防部门出具火灾认定书",
}


def _cover(member, unit, day: dt.date, actor) -> None:
    """A card valid on the event day and the plan's enrolment for its year (demo members may lack both)."""
    if cards.valid_card(member.pk, on=day) is None:
        cards.Card.objects.create(member=member, number=f"6217{member.pk:015d}"[-19:], status=cards.CardStatus.ISSUED,
                                  applied_at_unit=unit, valid_from=dt.date(day.year - 1, 1, 1))
    plan = Plan.objects.get(code=ACCIDENT_FIRE)
    contribution = policy.value(f"mutualaid.{ACCIDENT_FIRE}.contribution", on=day).value
    Enrolment.objects.get_or_create(member=member, plan=plan, year=day.year, defaults={
        "unit": unit, "contribution": contribution, "paid_on": dt.date(day.year, 1, 10), "source": "demo",
        "created_by": actor})


def _amount(claim: Claim) -> Decimal:
    """The most the plan pays for the demo claim (the office decides the limit)."""
    return claims_rules.cap_for(claim.claim_type, claim.event_date, grade=claim.disability_grade,
                                assessed_loss=claim.assessed_loss).amount


@transaction.atomic
def seed_demo_claims() -> str:
    """Seed one claim per state (idempotent); returns a line saying what was added."""
    if Claim.objects.exists():
        return "claims: already there"
    users = {u.username: u for u in User.objects.filter(username__in=["station", "dongcheng", "insurance"])}
    if len(users) < 3 or not Plan.objects.filter(code=ACCIDENT_FIRE).exists():
        from .setup import setup

        setup()
        if len(users) < 3:
            return "claims: the demo accounts are missing"
    station, district, office = users["station"], users["dongcheng"], users["insurance"]
    people = list(members.members_in_scope(station).filter(status=members.MemberStatus.ACTIVE)
                  .order_by("pk")[: len(SCENARIOS)])
    if len(people) < len(SCENARIOS):
        return "claims: not enough demo members at the station"
    today = timezone.localdate()
    fire_cap = policy.value("mutualaid.fire_loss_max", on=today).value
    made = 0
    for member, (target, kind, days_ago, grade, loss_share) in zip(people, SCENARIOS, strict=True):
        day = today - dt.timedelta(days=days_ago)
        _cover(member, member.grassroots, day, station)
        loss = (Decimal(fire_cap) * loss_share / 100).quantize(Decimal("0.01")) if loss_share else None
        documents = list(DOCUMENTS_BY_TYPE[kind])
        if target == "collected":
            documents = documents[:-1]  # the station still waits for the disability assessment
        case = claims_actions.collect_claim(acting_user=station, member_id=member.pk, claim_type=kind,
                                            event_date=day, event_summary=SUMMARIES[kind], documents=documents,
                                            disability_grade=grade, assessed_loss=loss)
        made += 1
        if target == "collected":
            continue
        case = engine.perform(case, "submit", actor=station)
        if target == "district_review":
            continue
        case = engine.perform(case, "countersign", actor=district, data={"opinion": "材料齐全，情况属实，同意上报。"})
        if target == "city_decision":
            continue
        if target == "refused":
            engine.perform(case, "refuse", actor=office, data={
                "reason": "work_injury",
                "explanation": "经核实，事故发生于工作时间和工作场所内，属工伤，应由工伤保险支付。"})
            continue
        claim = Claim.objects.get(case=case)
        case = engine.perform(case, "approve", actor=office, data={"amount": str(_amount(claim))})
        if target == "paid":
            payment = payouts.payment_for(claims_actions.source_key(claim))
            assert payment is not None  # asked for by the approval just above
            payment.status, payment.paid_on = payouts.PaymentStatus.PAID, today
            payment.save(update_fields=["status", "paid_on"])
            payouts.payment_settled.send(sender=type(payment), payment=payment)
        elif target == "overdue":
            # Decided weeks ago and still not paid: past its payment deadline (due yesterday); the sweep marks it.
            now = timezone.now()
            backdate(case, opened_at=now - dt.timedelta(weeks=3), due_at=now - dt.timedelta(days=1), state="pay")
    sweep.sweep()
    return f"claims: {made} in every state"
