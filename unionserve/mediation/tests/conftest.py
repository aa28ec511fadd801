import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from unionserve.core.roles import Role
from unionserve.mediation.models import Mediator

TZ = ZoneInfo("Asia/Shanghai")


class Clock:
    """Sets what timezone.now() returns for the engine and the calendar."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.now = None

    def set(self, y, m, d, hh=10, mm=0):
        self.now = dt.datetime(y, m, d, hh, mm, tzinfo=TZ)
        self.monkeypatch.setattr("django.utils.timezone.now", lambda: self.now)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def people(users, tree, make_user):
    """The users of the tests: offices at each level and mediators with accounts."""
    return {
        **users,
        "legal": make_user(tree["dept"], Role.DEPARTMENT_STAFF, username="legal"),
        "med1": make_user(tree["dc"], Role.MEDIATOR, username="med1"),
        "med2": make_user(tree["dc"], Role.MEDIATOR, username="med2"),
        "medcity": make_user(tree["city"], Role.MEDIATOR, username="medcity"),
        "medst": make_user(tree["st1"], Role.MEDIATOR, username="medst"),
        "station2": make_user(tree["st2"], Role.SOCIAL_WORKER, username="station2"),
    }


@pytest.fixture
def mediators(people, tree):
    return {
        "m1": Mediator.objects.create(unit=tree["dc"], user=people["med1"], name="吴芳", specialties=["wages"]),
        "m2": Mediator.objects.create(unit=tree["dc"], user=people["med2"], name="孙强", specialties=["injury"]),
        "city": Mediator.objects.create(unit=tree["city"], user=people["medcity"], name="周律",
                                        specialties=["collective"]),
        "st": Mediator.objects.create(unit=tree["st1"], user=people["medst"], name="杨帆", specialties=[]),
        "hd": Mediator.objects.create(unit=tree["hd"], name="海淀调解员", specialties=["wages"]),
    }
