"""The statistics with exact figures: city-wide, a district's subtree, an empty range, the period's edges."""

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.legalreports import stats
from unionserve.legalreports.stats import Period
from unionserve.linkage.models import Direction, PartnerBody, PartnerKind, Referral, ReferralStatus

from .conftest import at, model

pytestmark = pytest.mark.django_db
NOV = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
HAS_MEDIATION = model("mediation.MediationCase") is not None
HAS_LEGALAID = model("legalaid.LegalAidCase") is not None
# The row labels as users see them (zh-hans msgstr of "Mediation", "Legal aid" and "Total").
MEDIATION, LEGAL_AID, TOTAL = "调解", "法律援助", "合计"


def tables(user, period=NOV):
    return {t.key: t for t in stats.build(user, period)}


def test_city_wide_engine_figures(people, month):
    t = tables(people["office"])
    # Area, opened, concluded, median days, average days, overdue steps.
    assert t["summary"].rows == [
        [MEDIATION, 4, 4, Decimal("7.0"), Decimal("7.8"), 2],  # days 1, 4, 10, 16; M1 and M4 overdue
        [LEGAL_AID, 2, 2, Decimal("10.0"), Decimal("10.0"), 1],  # days 1, 19
    ]
    assert t["path"].rows == [[MEDIATION, 1, 2, 1, 4], [LEGAL_AID, 1, 0, 1, 2]]
    assert t["level"].rows == [[MEDIATION, 1, 3, 1], [LEGAL_AID, 1, 2, 1]]
    outcomes = {(r[0], r[1]): r[2] for r in t["outcomes"].rows}
    assert sum(n for (g, _s), n in outcomes.items() if g == MEDIATION) == 4
    assert sum(n for (g, _s), n in outcomes.items() if g == LEGAL_AID) == 2
    overdue = t["overdue"].rows
    assert sum(r[2] for r in overdue) == 3 and sum(r[3] for r in overdue) == 3


def test_a_district_sees_its_subtree(people, month):
    t = tables(people["dc"])
    assert t["summary"].rows == [
        [MEDIATION, 3, 3, Decimal("10.0"), Decimal("10.0"), 1],  # M1, M2, M3 opened; M1 10, M2 4, M5 16
        [LEGAL_AID, 2, 2, Decimal("10.0"), Decimal("10.0"), 1],
    ]
    assert t["path"].rows == [[MEDIATION, 1, 1, 1, 3], [LEGAL_AID, 1, 0, 1, 2]]
    # A station sees only what it takes part in.
    s = tables(people["st1"])
    assert s["summary"].rows[0][:3] == [MEDIATION, 1, 1] and s["summary"].rows[1][:3] == [LEGAL_AID, 1, 1]


def test_an_empty_range(people, month):
    t = tables(people["office"], Period(dt.date(2025, 1, 1), dt.date(2025, 1, 31)))
    assert t["summary"].rows == [[MEDIATION, 0, 0, None, None, 0], [LEGAL_AID, 0, 0, None, None, 0]]
    assert t["path"].rows == [[MEDIATION, 0, 0, 0, 0], [LEGAL_AID, 0, 0, 0, 0]]
    assert t["outcomes"].rows == [] and t["overdue"].rows == []
    assert t["mediators"].rows == [] and t["firms"].rows == []


def test_the_edges_of_the_period(people, month, tree):
    from unionserve.workflow.models import AccessKind, Case, CaseAccess

    for number, opened in (("E1", at(11, 30, 23, 59)), ("E2", at(12, 1, 0, 0)), ("E3", at(11, 1, 0, 0)),
                           ("E4", at(10, 31, 23, 59))):
        c = Case.objects.create(number=number, process="mediation", state="open", title=number,
                                owner_unit=tree["city"], opened_at=opened)
        CaseAccess.objects.create(case=c, unit=tree["city"], kind=AccessKind.OWNER)
    # E1 (last minute of the 30th) and E3 (first minute of the 1st) count; E2 and E4 do not.
    assert tables(people["office"])["summary"].rows[0][1] == 4 + 2
    one_day = Period(dt.date(2026, 11, 30), dt.date(2026, 11, 30))
    assert tables(people["office"], one_day)["summary"].rows[0][1] == 1


@pytest.mark.skipif(not HAS_MEDIATION, reason="the mediation app's models are not installed")
def test_mediation_success_rate_money_and_mediators(people, month):
    t = tables(people["office"])
    assert t["mediation_outcomes"].rows == [[3, 1, 0, Decimal("75.0")]]
    money = {r[0]: r[1:] for r in t["money"].rows}
    assert money[MEDIATION] == [Decimal("14000.00"), Decimal("6200.50")]
    mediators = {r[0]: r[2:] for r in t["mediators"].rows}
    assert mediators["调解员甲"] == [2, 2, Decimal("100.0"), Decimal("12.0"), Decimal("10000.00"), Decimal("5200.50")]
    assert mediators["调解员乙"] == [1, 0, Decimal("0.0"), Decimal("4.0"), Decimal("3000.00"), Decimal("0.00")]
    d = tables(people["dc"])
    assert d["mediation_outcomes"].rows == [[2, 1, 0, Decimal("66.7")]]
    assert "调解员丙" not in {r[0] for r in d["mediators"].rows}


@pytest.mark.skipif(not HAS_LEGALAID, reason="the legal-aid app's models are not installed")
def test_legal_aid_results_money_and_firms(people, month):
    t = tables(people["office"])
    results = {r[0]: r[1] for r in t["legalaid_results"].rows}
    assert sum(results.values()) == 2  # one won, one refused
    assert t["firms"].rows == [["京师律所", 1, 1, Decimal("17.0"), Decimal("20000.00"), Decimal("15000.00")]]
    money = {r[0]: r[1:] for r in t["money"].rows}
    assert money[LEGAL_AID] == [Decimal("20000.00"), Decimal("15000.00")]
    assert tables(people["hd"])["firms"].rows == []


def test_money_recovered_through_partners(people, month, tree):
    partner = PartnerBody.objects.create(kind=PartnerKind.COURT, name="东城区人民法院", unit=tree["dc"])
    Referral.objects.create(case=month["M1"], unit=tree["dc"], direction=Direction.OUTGOING, partner=partner,
                            referred_on=dt.date(2026, 11, 3), reason="r", status=ReferralStatus.CONCLUDED,
                            outcome="ok", outcome_on=dt.date(2026, 11, 20), amount=Decimal("300"))
    Referral.objects.create(case=month["W1"], unit=tree["dc"], direction=Direction.OUTGOING, partner=partner,
                            referred_on=dt.date(2026, 11, 3), reason="r", status=ReferralStatus.CONCLUDED,
                            outcome="ok", outcome_on=dt.date(2026, 11, 20), amount=Decimal("99"))
    for user in (people["office"], people["dc"]):
        row = tables(user)["money"].rows[-1]
        assert row[1:] == [None, Decimal("300.00")]
    assert tables(people["hd"])["money"].rows[-1][2] == Decimal("0.00")


def test_consultations_in_legal_categories(people, tree):
    from unionserve.hotline.models import Category, HotlineRequest
    from unionserve.workflow.models import AccessKind, Case, CaseAccess

    def consult(code, when, kind="consultation", i=[0]):  # a counter across calls
        i[0] += 1
        c = Case.objects.create(number=f"H{i[0]}", process="consultation", state="closed", title="q",
                                owner_unit=tree["city"], opened_at=when)
        CaseAccess.objects.create(case=c, unit=tree["city"], kind=AccessKind.OWNER)
        HotlineRequest.objects.create(case=c, kind=kind, channel="phone", category=Category.objects.get(code=code),
                                      description="q", caller_name="王", caller_phone_hash="h",
                                      caller_phone_encrypted="e", caller_phone_masked="138****0000",
                                      tracking_code=f"TC{i[0]}", received_at=when, received_unit=tree["city"])

    consult("FLYZ01", at(11, 3))
    consult("FLYZ", at(11, 4))
    consult("LDGX02", at(11, 5))
    consult("HYK01", at(11, 5))  # not a legal category
    consult("FLYZ01", at(10, 5))  # before the period
    consult("FLYZ01", at(11, 6), kind="affair")  # not a consultation
    rows = tables(people["office"])["consultations"].rows
    assert rows[-1] == [TOTAL, 3]
    assert sorted(rows[:-1]) == [["劳动关系", 1], ["法律援助", 2]]
    assert tables(people["dc"])["consultations"].rows == [[TOTAL, 0]]


def test_page_export_permission_and_bad_range(client, people, month):
    client.force_login(people["dc"])
    page = client.get(reverse("legalreports:index"), {"start": "2026-11-01", "end": "2026-11-30"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "legal-charts" in html and "table-summary" in html
    bad = client.get(reverse("legalreports:index"), {"start": "2026-11-30", "end": "2026-11-01"})
    assert bad.status_code == 400
    response = client.get(reverse("legalreports:export"), {"start": "2026-11-01", "end": "2026-11-30"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    import io

    book = openpyxl.load_workbook(io.BytesIO(response.content))
    summary = book[book.sheetnames[1]]
    assert [c.value for c in summary[6]][:3] == [MEDIATION, 3, 3]
    event = AuditEvent.objects.get(action=AuditAction.STATISTICS_EXPORTED)
    assert event.detail == {"report": "legal", "start": "2026-11-01", "end": "2026-11-30"}
    # The auditor may read the statistics; a station social worker may not.
    client.force_login(people["auditor"])
    assert client.get(reverse("legalreports:index")).status_code == 200
    client.force_login(people["st1"])
    assert client.get(reverse("legalreports:index")).status_code == 403
    assert client.get(reverse("legalreports:export")).status_code == 403


def test_api_gives_the_same_tables(client, people, month):
    client.force_login(people["dc"])
    data = client.get("/api/legal-reports/", {"start": "2026-11-01", "end": "2026-11-30"}).json()
    summary = next(t for t in data["tables"] if t["key"] == "summary")
    assert summary["rows"][0][:3] == [MEDIATION, 3, 3]
    assert client.get("/api/legal-reports/", {"start": "2026-11-30", "end": "2026-11-01"}).status_code == 400
    client.force_login(people["st1"])
    assert client.get("/api/legal-reports/").status_code == 403
