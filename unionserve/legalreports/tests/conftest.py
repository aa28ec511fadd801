"""A month of mediation and legal-aid cases with known figures (November 2026, Beijing time).

Rows are written directly (the statistics read facts; the processes' own tests drive the engine).
City-wide in November: mediation opened 4 (M1 down, M2 up, M3 and M4 at level 2), concluded 4 (M1 10 days,
M2 4, M4 1, M5 16 — opened in October); legal aid opened 2 (L1 down, L2 up), concluded 2 (L1 19 days,
L2 1). The 东城 district sees M1, M2, M3, M5, L1, L2 (M4 is 海淀's).
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps

from unionserve.core.roles import Role
from unionserve.workflow.models import AccessKind, Case, CaseAccess, Step

TZ = ZoneInfo("Asia/Shanghai")


def at(m, d, hh=10, mm=0):
    return dt.datetime(2026, m, d, hh, mm, tzinfo=TZ)


def model(label):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


@pytest.fixture
def people(tree, make_user):
    return {
        "office": make_user(tree["city"], Role.CITY_OFFICE, username="office"),
        "auditor": make_user(tree["city"], Role.AUDITOR, username="aud"),
        "dc": make_user(tree["dc"], Role.CENTER_STAFF, username="dcstaff"),
        "hd": make_user(tree["hd"], Role.CENTER_STAFF, username="hdstaff"),
        "st1": make_user(tree["st1"], Role.SOCIAL_WORKER, username="sw1"),
    }


@pytest.fixture
def month(tree):
    n = {"i": 0}

    def case(process, owner, opened, closed=None, state="open", handlers=()):
        n["i"] += 1
        c = Case.objects.create(number=f"T{n['i']:04d}", process=process, state=state, title=f"case {n['i']}",
                                owner_unit=tree[owner], opened_at=opened, closed_at=closed)
        CaseAccess.objects.create(case=c, unit=tree[owner], kind=AccessKind.OWNER)
        for u in (owner, *handlers):
            CaseAccess.objects.get_or_create(case=c, unit=tree[u], kind=AccessKind.HANDLER)
        return c

    c = {
        "M1": case("mediation", "city", at(11, 2), at(11, 12), "archived", ("dc",)),
        "M2": case("mediation", "st1", at(11, 5), at(11, 9), "terminated"),
        "M3": case("mediation", "dc", at(11, 10)),
        "M4": case("mediation", "hd", at(11, 3), at(11, 4), "agreed"),
        "M5": case("mediation", "city", at(10, 20), at(11, 5), "agreed", ("dc",)),
        "L1": case("legalaid", "city", at(11, 1), at(11, 20), "archived", ("dc",)),
        "L2": case("legalaid_up", "st1", at(11, 15), at(11, 16), "refused", ("dc",)),
        "L3": case("legalaid", "city", at(12, 1, 0, 0), None, "review_l1"),
        "W1": case("workorder", "city", at(11, 5), at(11, 6), "closed", ("dc",)),
    }
    mk = Step.objects.create
    mk(case=c["M1"], process="mediation", state="dispatched", unit=tree["dc"], is_open=False, status="done",
       overdue=True, overdue_at=at(11, 8))
    mk(case=c["M2"], process="mediation", state="station_mediating", unit=tree["st1"], is_open=False,
       status="done", overdue=True, overdue_at=at(10, 31, 23, 59))  # before the period
    mk(case=c["L1"], process="legalaid", state="review_l1", unit=tree["city"], is_open=False, status="done",
       overdue=True, overdue_at=at(11, 5))
    mk(case=c["M4"], process="mediation", state="reported", unit=tree["hd"], is_open=False, status="done",
       overdue=True, overdue_at=at(11, 3, 18))
    mk(case=c["W1"], process="workorder", state="handling", unit=tree["dc"], is_open=False, status="done",
       overdue=True, overdue_at=at(11, 5, 18))  # another process: never counted
    _legalaid(c)
    _mediation(c, tree)
    return c


def _legalaid(c):
    aid, firm_model = model("legalaid.LegalAidCase"), model("legalaid.LawFirm")
    if aid is None or firm_model is None:
        return
    firm = firm_model.objects.create(name="京师律所", uscc="91110000000000001X")
    common = {"applicant_name": "张三", "employer_name": "某公司", "dispute_type": "wages", "matter": "欠薪"}
    aid.objects.create(case=c["L1"], path="down", amount_claimed=Decimal("20000"), result="won",
                       amount_recovered=Decimal("15000"), reported_at=at(11, 18), firm=firm, **common)
    aid.objects.create(case=c["L2"], path="up", refused_at=at(11, 16), **common)


def _mediation(c, tree):
    med, mediator, claim = model("mediation.MediationCase"), model("mediation.Mediator"), model("mediation.Claim")
    if med is None or mediator is None or claim is None:
        return
    a = mediator.objects.create(unit=tree["dc"], name="调解员甲")
    b = mediator.objects.create(unit=tree["st1"], name="调解员乙")
    h = mediator.objects.create(unit=tree["hd"], name="调解员丙")
    common = {"dispute_type": "wages", "summary": "欠薪", "employer_name": "某公司"}
    m1 = med.objects.create(case=c["M1"], path="down", mediator=a, outcome="agreed", concluded_at=at(11, 10),
                            amount_recovered=Decimal("5000"), **common)
    claim.objects.create(mediation=m1, item="工资", amount=Decimal("8000"))
    claim.objects.create(mediation=m1, item="补偿", amount=Decimal("2000"))
    m2 = med.objects.create(case=c["M2"], path="up", mediator=b, outcome="terminated", concluded_at=at(11, 9),
                            **common)
    claim.objects.create(mediation=m2, item="工资", amount=Decimal("3000"))
    med.objects.create(case=c["M3"], path="local", mediator=a, **common)
    m4 = med.objects.create(case=c["M4"], path="local", mediator=h, outcome="agreed", concluded_at=at(11, 4),
                            amount_recovered=Decimal("1000"), **common)
    claim.objects.create(mediation=m4, item="工资", amount=Decimal("1000"))
    med.objects.create(case=c["M5"], path="down", mediator=a, outcome="agreed", concluded_at=at(11, 5),
                       amount_recovered=Decimal("200.50"), **common)
