import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from unionserve.core.roles import Role

TZ = ZoneInfo("Asia/Shanghai")


class Clock:
    """Sets what timezone.now() returns for the engine and the calendar."""

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
def documents(monkeypatch):
    """Record the documents asked for instead of laying out PDFs (one test makes real ones)."""
    made = []

    def fake(code, case, context, actor):
        made.append((code, case.number, context))

    monkeypatch.setattr("unionserve.legalaid.actions.make_document", fake)
    return made


@pytest.fixture
def la(tree, make_user, documents):
    """People, two firms under contract (the city's and Dongcheng's) with a lawyer each."""
    from unionserve.legalaid.models import Contract, LawFirm, Lawyer

    p = {
        "city": make_user(tree["city"], Role.CITY_OFFICE, username="city"),
        "dc": make_user(tree["dc"], Role.CENTER_STAFF, username="dcstaff"),
        "hd": make_user(tree["hd"], Role.CENTER_STAFF, username="hdstaff"),
        "st1": make_user(tree["st1"], Role.SOCIAL_WORKER, username="sw1"),
        "st3": make_user(tree["st3"], Role.SOCIAL_WORKER, username="sw3"),
        "lawyer1": make_user(tree["dc"], Role.LAWYER, username="lawyer1"),
        "lawyer2": make_user(tree["dc"], Role.LAWYER, username="lawyer2"),
        "lawyer_city": make_user(tree["city"], Role.LAWYER, username="lawyercity"),
    }
    firm_a = LawFirm.objects.create(name="北京甲律师事务所", uscc="91110000802100433B")
    firm_b = LawFirm.objects.create(name="北京乙律师事务所", uscc="91110108551385082Q")
    start, end = dt.date(2026, 1, 1), dt.date(2027, 12, 31)
    p["contract_a"] = Contract.objects.create(firm=firm_a, unit=tree["city"], start=start, end=end, capacity=2)
    p["contract_b"] = Contract.objects.create(firm=firm_b, unit=tree["dc"], start=start, end=end, capacity=5)
    p["firm_a"], p["firm_b"] = firm_a, firm_b
    p["a1"] = Lawyer.objects.create(firm=firm_a, name="甲律师", licence_number="11101201210000001",
                                    user=p["lawyer1"])
    p["b1"] = Lawyer.objects.create(firm=firm_b, name="乙律师", licence_number="11101201210000002",
                                    user=p["lawyer2"])
    p["a_city"] = Lawyer.objects.create(firm=firm_a, name="市律师", licence_number="11101201210000003",
                                        user=p["lawyer_city"])
    return p
