"""Fixtures of the claims tests (imported by each test_claims_* module)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from unionserve.core.roles import Role

TZ = ZoneInfo("Asia/Shanghai")
#: The fixtures; test modules take them with ``from .claims_fixtures import *`` (helpers are imported by name).
__all__ = ["clock", "covered", "cu", "office_unit"]


class Clock:
    """Sets what timezone.now() returns for the engine, the calendar and the claim's checks."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def set(self, y, m, d, hh=10, mm=0):
        now = dt.datetime(y, m, d, hh, mm, tzinfo=TZ)
        self.monkeypatch.setattr("django.utils.timezone.now", lambda: now)
        return now


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def office_unit(tree):
    from unionserve.orgs.actions import create_unit
    from unionserve.orgs.models import UnitKind

    return create_unit(name="职工互助保险服务中心", kind=UnitKind.DEPARTMENT, region_parent=tree["city"], code="D07")


@pytest.fixture
def cu(tree, make_user, office_unit):
    """The people of a claim: two stations, the district agency, the office, the city office."""
    return {
        "station": make_user(tree["st1"], Role.SOCIAL_WORKER, username="c_sw1"),
        "station2": make_user(tree["st2"], Role.SOCIAL_WORKER, username="c_sw2"),
        "station3": make_user(tree["st3"], Role.SOCIAL_WORKER, username="c_sw3"),
        "district": make_user(tree["dc"], Role.CENTER_STAFF, username="c_dc"),
        "office": make_user(office_unit, Role.MUTUAL_INSURANCE, username="c_office"),
        "city": make_user(tree["city"], Role.CITY_OFFICE, username="c_city"),
    }


@pytest.fixture
def covered(insured, tree):
    """covered(name, unit=g1, years=(2026,)) → a member with a card, enrolled in the accident and fire-loss plan."""

    def make(name, unit=None, years=(2026,)):
        return insured(unit or tree["g1"], name, years=years, codes=("accident_fire",))

    return make


def collect(user, member, claim_type="disability", event_date=dt.date(2026, 9, 1), *, grade=None, loss=None,
            complete=True):
    from unionserve.mutualaid import claims_actions
    from unionserve.mutualaid.models import DOCUMENTS_BY_TYPE

    docs = list(DOCUMENTS_BY_TYPE[claim_type]) if complete else []
    if claim_type == "disability" and grade is None:
        grade = 1
    return claims_actions.collect_claim(acting_user=user, member_id=member.pk, claim_type=claim_type,
                                        event_date=event_date, event_summary="骑车摔伤", documents=docs,
                                        disability_grade=grade, assessed_loss=loss)


def to_city(case, cu):
    from unionserve.workflow import actions as engine

    case = engine.perform(case, "submit", actor=cu["station"])
    return engine.perform(case, "countersign", actor=cu["district"], data={"opinion": "材料齐全，同意上报"})


def settle(claim, paid_on):
    """The bank paid the claim's payment: what payouts does when it reads the result file."""
    from unionserve.payouts.public import PaymentStatus, payment_for, payment_settled

    payment = payment_for(f"mutualaid:claim:{claim.pk}")
    payment.status = PaymentStatus.PAID
    payment.paid_on = paid_on
    payment.save()
    payment_settled.send(sender=type(payment), payment=payment)
    return payment
