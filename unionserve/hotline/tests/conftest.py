"""Fixtures of the 12351 tests: the miniature tree, a second department, the people who work requests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from unionserve.core.roles import Role

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def people(tree, make_user):
    from unionserve.orgs.actions import create_unit
    from unionserve.orgs.models import UnitKind

    tree["dept7"] = create_unit(name="职工互助保险服务中心", kind=UnitKind.DEPARTMENT, region_parent=tree["city"],
                                code="D07")
    return {
        "agent": make_user(tree["city"], Role.HOTLINE_AGENT, username="agent"),
        "office": make_user(tree["city"], Role.CITY_OFFICE, username="office"),
        "legal": make_user(tree["dept"], Role.DEPARTMENT_STAFF, username="legal"),
        "st1": make_user(tree["st1"], Role.SOCIAL_WORKER, username="sw1"),
        "st2": make_user(tree["st2"], Role.SOCIAL_WORKER, username="sw2"),
        "st3": make_user(tree["st3"], Role.SOCIAL_WORKER, username="sw3"),
        "dc": make_user(tree["dc"], Role.CENTER_STAFF, username="dcstaff"),
    }


@pytest.fixture
def member(tree):
    from unionserve.members.tests.factories import make_member

    return make_member(tree["g1"], "王芳", phone="13912345678")


@pytest.fixture
def category(db):
    from unionserve.hotline.models import Category

    return Category.objects.get(code="LDGX02")


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
