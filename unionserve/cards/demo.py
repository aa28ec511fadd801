"""Demo data of jingka cards: a card for the register's members who already carry a card number (most handed
over, some only issued, cancelled ones for members who left), and at 东华门站 the whole path through the bank —
a batch whose result file issues two cards and refuses one, applications in production and one waiting, a lost
card and its replacement — and a 12351 card problem linked to the demo's "刷不了卡" request."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from unionserve.members.public import Member, MemberStatus

from . import actions, bankfiles
from .models import Card, CardEvent, CardStatus, Document

ALL_DOCUMENTS = list(Document.values)
STATION = "110101001"


def _number(n: int) -> str:
    first = f"621888{n:012d}"
    return first + luhn.calc_check_digit(first)


def _register_cards(today: dt.date) -> int:
    """One card per member whose register row carries a card number (made before the cards app kept records)."""
    rows = (Member.objects.exclude(card_number="").select_related("grassroots", "grassroots__region_parent")
            .order_by("pk"))
    cards, seen = [], set()
    for i, m in enumerate(rows.iterator(chunk_size=2000)):
        if m.card_number in seen or not bankfiles.card_number_ok(m.card_number):
            continue
        seen.add(m.card_number)
        start = m.joined_on if m.joined_on and m.joined_on <= today else dt.date(2020, 1, 1)
        unit = m.grassroots.region_parent or m.grassroots
        if m.status != MemberStatus.ACTIVE:
            status, until = CardStatus.CANCELLED, today
        else:
            status, until = (CardStatus.ISSUED if i % 10 == 0 else CardStatus.DELIVERED), None
        cards.append(Card(member=m, number=m.card_number, status=status, applied_at_unit=unit, applied_on=start,
                          valid_from=start, valid_until=until, documents=ALL_DOCUMENTS))
    Card.objects.bulk_create(cards, batch_size=2000)
    made = Card.objects.filter(number__in=seen).values_list("pk", "status", "applied_on")
    events = []
    for pk, state, applied_on in made:
        at = timezone.make_aware(dt.datetime.combine(applied_on, dt.time(10)))
        events += [CardEvent(card_id=pk, status=CardStatus.APPLIED, at=at, note="由会员库卡号导入"),
                   CardEvent(card_id=pk, status=CardStatus.ISSUED, at=at + dt.timedelta(weeks=2))]
        if state != CardStatus.ISSUED:
            events.append(CardEvent(card_id=pk, status=CardStatus.DELIVERED, at=at + dt.timedelta(weeks=3)))
        if state == CardStatus.CANCELLED:
            events.append(CardEvent(card_id=pk, status=CardStatus.CANCELLED, note="会籍终止"))
    CardEvent.objects.bulk_create(events, batch_size=5000)
    return len(cards)


def _station_path(user, today: dt.date) -> str:
    """The bank's path at 东华门站, through the same actions as the pages."""
    station = user.org_unit
    free = list(Member.objects.filter(status=MemberStatus.ACTIVE, card_number="",
                                      grassroots__region_path__startswith=station.region_path)
                .exclude(cards__isnull=False).order_by("pk")[:6])
    if len(free) < 6:
        return "not enough members at 东华门站"
    first = [actions.apply_for_card(m, documents=ALL_DOCUMENTS, acting_user=user) for m in free[:3]]
    batch = actions.send_batch(Card.objects.filter(pk__in=[c.pk for c in first]), acting_user=user)
    result = bankfiles.result_file([
        (first[0].reference, "issued", _number(1), today.isoformat(), ""),
        (first[1].reference, "issued", _number(2), today.isoformat(), ""),
        (first[2].reference, "refused", "", "", "身份证件已过有效期，请会员更换身份证后重新申请"),
    ])
    actions.apply_result(batch, result, filename=f"{batch.number}_结果.csv", acting_user=user)
    delivered = actions.deliver(Card.objects.get(pk=first[0].pk), acting_user=user)
    lost = actions.report_lost(delivered, acting_user=user, note="会员在公交车上遗失")
    replacement = actions.replace(lost, documents=ALL_DOCUMENTS, acting_user=user, note="挂失后补卡")
    later = [actions.apply_for_card(m, documents=ALL_DOCUMENTS, acting_user=user) for m in free[3:5]]
    actions.send_batch(Card.objects.filter(pk__in=[replacement.pk, *[c.pk for c in later]]), acting_user=user)
    actions.apply_for_card(free[5], documents=ALL_DOCUMENTS, acting_user=user)
    return f"batch {batch.number}"


def _problem(agent) -> str:
    """Link the demo's 12351 request about a card that does not work to the caller's card."""
    from unionserve.workflow.models import Case

    case = Case.objects.filter(title__contains="刷不了卡").order_by("pk").first()
    if case is None:
        return "no 12351 card request"
    member = Member.objects.filter(name=case.subject_name, status=MemberStatus.ACTIVE).order_by("pk").first()
    if member is None:
        return "no caller"
    card = Card.objects.filter(member=member).order_by("-pk").first()
    if card is None:
        card = Card.objects.create(member=member, number=_number(90), status=CardStatus.DELIVERED,
                                   applied_at_unit=member.grassroots, valid_from=dt.date(2024, 5, 1),
                                   documents=ALL_DOCUMENTS)
        CardEvent.objects.create(card=card, status=CardStatus.DELIVERED, note="由会员库卡号导入")
    actions.report_problem(card, case_number=case.number, kind="not_working",
                           description="公园年票项目刷卡时提示无效卡", acting_user=agent)
    return f"problem on {case.number}"


def seed_demo() -> str:
    """Seed the demo rows (idempotent); returns a line saying what was added."""
    if Card.objects.exists():
        return "cards already seeded"
    from unionserve.accounts.models import User

    today = timezone.localdate()
    with transaction.atomic():
        made = _register_cards(today)
        station_user = User.objects.filter(username="station").first()
        agent = User.objects.filter(username="agent").first()
        path = _station_path(station_user, today) if station_user else "no station user"
        problem = _problem(agent) if agent else "no agent"
    return f"{made} cards from the register, {path}, {problem}"
