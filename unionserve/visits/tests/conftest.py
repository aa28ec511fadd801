import datetime as dt
import itertools

import pytest

from unionserve.cards.models import Card, CardStatus
from unionserve.core.roles import Role
from unionserve.members.tests.factories import make_member

_cards = itertools.count(1)


def card_for(member, *, number=None, status=CardStatus.ISSUED, valid_from=dt.date(2014, 1, 1), valid_until=None):
    number = number or f"621999{next(_cards):013d}"
    return Card.objects.create(member=member, number=number, status=status, applied_at_unit=member.grassroots,
                               valid_from=valid_from, valid_until=valid_until)


@pytest.fixture
def people(tree, make_user):
    """Members with cards at g1 (station 1 and the bus company), g2 (station 1) and g3 (Haidian station 3)."""
    p = {
        "city": make_user(tree["city"], Role.CITY_OFFICE, username="city"),
        "dc": make_user(tree["dc"], Role.CENTER_STAFF, username="dcstaff"),
        "hd": make_user(tree["hd"], Role.CENTER_STAFF, username="hdstaff"),
        "st1": make_user(tree["st1"], Role.SOCIAL_WORKER, username="sw1"),
        "st3": make_user(tree["st3"], Role.SOCIAL_WORKER, username="sw3"),
        "auditor": make_user(tree["city"], Role.AUDITOR, username="auditor"),
        "mediator": make_user(tree["dc"], Role.MEDIATOR, username="mediator"),
    }
    p["m1"] = make_member(tree["g1"], "王一", history=False)
    p["m2"] = make_member(tree["g2"], "李二", history=False)
    p["m3"] = make_member(tree["g3"], "赵三", history=False)
    p["c1"] = card_for(p["m1"], number="6219990000000000011")
    p["c2"] = card_for(p["m2"], number="6219990000000000022")
    p["c3"] = card_for(p["m3"], number="6219990000000000033")
    return p
