import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from unionserve.core.roles import Role

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def people(tree, make_user):
    return {
        "office": make_user(tree["city"], Role.CITY_OFFICE, username="office"),
        "dc": make_user(tree["dc"], Role.CENTER_STAFF, username="dcstaff"),
        "hd": make_user(tree["hd"], Role.CENTER_STAFF, username="hdstaff"),
        "st1": make_user(tree["st1"], Role.SOCIAL_WORKER, username="sw1"),
        "st2": make_user(tree["st2"], Role.SOCIAL_WORKER, username="sw2"),
        "st3": make_user(tree["st3"], Role.SOCIAL_WORKER, username="sw3"),
        "g1": make_user(tree["g1"], Role.GRASSROOTS_OFFICER, username="gro"),
    }


def add_members(unit, n: int, start: int = 0) -> None:
    """n active members of `unit`, written in bulk (no personal data needed for counting)."""
    from unionserve.members.public import Member

    Member.objects.bulk_create([
        Member(name=f"会员{i}", id_hash=f"h{unit.pk}-{start + i}", id_encrypted="x", id_masked="x",
               birth_date=dt.date(1990, 1, 1), gender="M", grassroots=unit) for i in range(n)], batch_size=500)


class Clock:
    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def set(self, y, m, d, hh=10):
        now = dt.datetime(y, m, d, hh, tzinfo=TZ)
        self.monkeypatch.setattr("django.utils.timezone.now", lambda: now)
        return now


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)
