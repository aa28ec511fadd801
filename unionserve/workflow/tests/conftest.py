import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from unionserve.core.roles import Role
from unionserve.workflow.registry import registry

from .example_process import EXAMPLE

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def example():
    registry.register(EXAMPLE, replace=True)
    yield EXAMPLE
    registry.unregister(EXAMPLE.code)


@pytest.fixture
def people(tree, make_user):
    return {
        "agent": make_user(tree["city"], Role.HOTLINE_AGENT, username="agent"),
        "st1": make_user(tree["st1"], Role.SOCIAL_WORKER, username="sw1"),
        "st1b": make_user(tree["st1"], Role.SOCIAL_WORKER, username="sw1b"),
        "st2": make_user(tree["st2"], Role.SOCIAL_WORKER, username="sw2"),
        "st3": make_user(tree["st3"], Role.SOCIAL_WORKER, username="sw3"),
        "dc": make_user(tree["dc"], Role.CENTER_STAFF, username="dcstaff"),
        "hd": make_user(tree["hd"], Role.CENTER_STAFF, username="hdstaff"),
    }


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
