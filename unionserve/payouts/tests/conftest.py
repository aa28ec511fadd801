"""Fixtures of the payout tests: the mutual-insurance office at a district, members with and without cards."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest

from unionserve.cards.public import Card, CardStatus
from unionserve.core.roles import Role
from unionserve.members.tests.factories import make_member
from unionserve.payouts import public

_card_seq = itertools.count(1)


def give_card(member, *, status=CardStatus.ISSUED, valid_from=dt.date(2020, 1, 1), valid_until=None) -> Card:
    """A card of the member (a synthetic 19-digit number)."""
    return Card.objects.create(member=member, number=f"621999{next(_card_seq):013d}", status=status,
                               applied_at_unit=member.grassroots, valid_from=valid_from, valid_until=valid_until)


@pytest.fixture
def office(tree, make_user):
    """The mutual-insurance office at the 东城 district center."""
    return make_user(tree["dc"], Role.MUTUAL_INSURANCE, username="insurance")


@pytest.fixture
def ask(office):
    """ask(member, amount, key=..., purpose=...) → a payment requested by the office."""
    counter = itertools.count(1)

    def make(member, amount="100.00", *, key=None, purpose="mutualaid.claim", sms_text=""):
        return public.request_payment(source_key=key or f"mutualaid:claim:{next(counter)}", purpose=purpose,
                                      member_id=member.pk, amount=Decimal(amount), reference="理赔",
                                      sms_text=sms_text, user=office)

    return make


@pytest.fixture
def members(tree):
    """Two members of 东城 with cards (g1, g2), one of 东城 without a card, one of 海淀 with a card (g3)."""
    m = {"a": make_member(tree["g1"], "崔建国", phone="13800000001"),
         "b": make_member(tree["g2"], "王丽,华", phone="13800000002"),
         "nocard": make_member(tree["g1"], "李无卡", phone="13800000003"),
         "hd": make_member(tree["g3"], "赵海淀", phone="13800000004")}
    for key in ("a", "b", "hd"):
        give_card(m[key])
    return m


@pytest.fixture(autouse=True)
def english():
    """Messages compared in English (tests of the Chinese wording switch to zh-hans themselves)."""
    from django.utils import translation

    with translation.override("en"):
        yield
