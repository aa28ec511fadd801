import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from unionserve.core.roles import Role

TZ = ZoneInfo("Asia/Shanghai")


class Clock:
    """Sets what timezone.now() returns."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def set(self, y, m, d, hh=10, mm=0):
        now = dt.datetime(y, m, d, hh, mm, tzinfo=TZ)
        self.monkeypatch.setattr("django.utils.timezone.now", lambda: now)
        return now


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English, whatever language an earlier test left active."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def people(tree, make_user):
    return {
        "city": make_user(tree["city"], Role.CITY_OFFICE, username="city"),
        "city2": make_user(tree["city"], Role.CITY_OFFICE, username="city2"),
        "dc": make_user(tree["dc"], Role.CENTER_STAFF, username="dcstaff"),
        "hd": make_user(tree["hd"], Role.CENTER_STAFF, username="hdstaff"),
        "st1": make_user(tree["st1"], Role.SOCIAL_WORKER, username="sw1"),
        "st3": make_user(tree["st3"], Role.SOCIAL_WORKER, username="sw3"),
    }


@pytest.fixture
def mem(tree):
    from unionserve.members.tests.factories import make_member

    return {
        "a": make_member(tree["g1"], "王芳", phone="13912345678"),
        "b": make_member(tree["g2"], "李强", phone="13912345679"),
        "c": make_member(tree["g3"], "赵敏", phone="13912345670"),
    }


@pytest.fixture
def fund(tree):
    from unionserve.assistance.models import Fund

    return Fund.objects.create(name="北京市温暖基金", unit=tree["city"], balance=Decimal("0"))


HOUSEHOLD = [{"name": "王芳", "relation": "本人", "age": 40, "income": "2100"},
             {"name": "王小明", "relation": "子", "age": 12, "in_school": True}]


def apply_file(member, user, **kw):
    from unionserve.assistance import actions

    args = {"level": "hardship", "cause": "illness", "household": HOUSEHOLD, "monthly_income": Decimal("2100"),
            "monthly_spending": Decimal("3500"), "story": "丈夫重病住院，孩子上学。"}
    args.update(kw)
    return actions.apply_hardship(member=member, acting_user=user, **args)


def approve_file(file, people):
    """Take a file through the engine: station submits, district recommends, city approves."""
    from unionserve.workflow import actions as engine

    case = file.case
    case = engine.perform(case, "submit", actor=people["st1"] if file.station.code.endswith("001") else people["st3"],
                          version=case.version)
    district = people["dc"] if file.station.code.startswith("110101") else people["hd"]
    case = engine.perform(case, "recommend", actor=district, data={"opinion": "属实"}, version=case.version)
    case = engine.perform(case, "approve", actor=people["city"], version=case.version)
    file.refresh_from_db()
    return file
