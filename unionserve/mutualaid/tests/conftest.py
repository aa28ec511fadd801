import datetime as dt
from decimal import Decimal

import pytest

from unionserve.core.roles import Role


@pytest.fixture
def plans(db):
    from unionserve.mutualaid.setup import setup

    setup()
    from unionserve.mutualaid.models import Plan

    return {p.code: p for p in Plan.objects.all()}


@pytest.fixture
def ma_users(tree, make_user):
    return {
        "office": make_user(tree["city"], Role.MUTUAL_INSURANCE, username="office1"),
        "office2": make_user(tree["city"], Role.MUTUAL_INSURANCE, username="office2"),
        "city": make_user(tree["city"], Role.CITY_OFFICE, username="city"),
        "dc": make_user(tree["dc"], Role.CENTER_STAFF, username="dcstaff"),
        "st1": make_user(tree["st1"], Role.SOCIAL_WORKER, username="sw1"),
        "st3": make_user(tree["st3"], Role.SOCIAL_WORKER, username="sw3"),
    }


@pytest.fixture
def insured(tree, plans):
    """insured(unit, name, id_number=None, year=2026, card_from=2026-01-01, plans=("medical",)) → a member with a
    card and enrolments."""
    from unionserve.cards.models import Card, CardStatus
    from unionserve.members.tests.factories import make_member
    from unionserve.mutualaid.models import Enrolment

    counter = {"n": 0}

    def make(unit, name, *, id_number=None, years=(2026,), card_from=dt.date(2026, 1, 1), codes=("medical",),
             social=True, joined=dt.date(2020, 1, 1)):
        counter["n"] += 1
        member = make_member(unit, name, number=id_number, joined_on=joined)
        if card_from is not None:
            Card.objects.create(member=member, number=f"62{counter['n']:014d}", status=CardStatus.ISSUED,
                                applied_at_unit=unit, valid_from=card_from)
        for year in years:
            for code in codes:
                Enrolment.objects.create(member=member, plan=plans[code], year=year, unit=unit,
                                         contribution=Decimal("80.00"), paid_on=dt.date(year, 1, 10),
                                         in_social_insurance=social)
        return member

    return make
