import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from unionserve.core.roles import Role
from unionserve.linkage.models import PartnerBody, PartnerKind
from unionserve.workflow import actions

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def people(tree, make_user):
    return {
        "office": make_user(tree["city"], Role.CITY_OFFICE, username="office"),
        "dc": make_user(tree["dc"], Role.CENTER_STAFF, username="dcstaff"),
        "hd": make_user(tree["hd"], Role.CENTER_STAFF, username="hdstaff"),
        "st1": make_user(tree["st1"], Role.SOCIAL_WORKER, username="sw1"),
        "st1b": make_user(tree["st1"], Role.SOCIAL_WORKER, username="sw1b"),
        "st3": make_user(tree["st3"], Role.SOCIAL_WORKER, username="sw3"),
        "g1": make_user(tree["g1"], Role.GRASSROOTS_OFFICER, username="gro"),
    }


@pytest.fixture
def partners(tree):
    mk = PartnerBody.objects.create
    return {
        "city_court": mk(kind=PartnerKind.COURT, name="北京市高级人民法院", unit=tree["city"]),
        "dc_court": mk(kind=PartnerKind.COURT, name="东城区人民法院", unit=tree["dc"]),
        "dc_hrss": mk(kind=PartnerKind.HRSS_BUREAU, name="东城区人力资源和社会保障局", unit=tree["dc"]),
        "hd_court": mk(kind=PartnerKind.COURT, name="海淀区人民法院", unit=tree["hd"]),
        "st1_office": mk(kind=PartnerKind.JUDICIAL_OFFICE, name="东华门街道司法所", unit=tree["st1"]),
        "old": mk(kind=PartnerKind.LETTERS_VISITS, name="旧信访办", unit=tree["dc"], active=False),
    }


@pytest.fixture
def case(people):
    """A work order opened by the city office, dispatched to station 1, with a filing copy to 海淀."""
    c = actions.open_case("workorder", actor=people["office"], title="欠薪调解",
                          data={"category": "other", "instructions": "请处理"})
    return actions.perform(c, "dispatch", actor=people["office"],
                           data={"units": "110101001", "filed_units": "110108"}, version=c.version)


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
