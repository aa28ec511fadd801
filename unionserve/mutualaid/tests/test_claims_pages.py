"""Claim pages, API and statistics: scope (another station's claim is 404), roles, the member picked from the
register, the checklist, the member page's section, the statistics and their Excel file."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from unionserve.mutualaid.models import Claim
from unionserve.workflow import actions as engine

from .claims_fixtures import *  # noqa: F403  (the fixtures)
from .claims_fixtures import collect, settle, to_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_claim(clock, cu, covered):
    clock.set(2026, 9, 21)
    case = to_city(collect(cu["station"], covered("王伟"), grade=2), cu)
    clock.set(2026, 9, 22)
    case = engine.perform(case, "approve", actor=cu["office"], data={"amount": "4500"})
    claim = Claim.objects.get(case=case)
    clock.set(2026, 9, 30)
    settle(claim, dt.date(2026, 9, 30))
    return Claim.objects.select_related("case").get(pk=claim.pk)


def test_another_station_gets_404(client, cu, paid_claim):
    client.force_login(cu["station2"])
    assert client.get(reverse("mutualaid:claim", args=[paid_claim.pk])).status_code == 404
    assert client.get(reverse("workflow:case", args=[paid_claim.case.number])).status_code == 404
    assert client.get(f"/api/mutual-aid/claims/{paid_claim.pk}").status_code == 404
    listed = client.get(reverse("mutualaid:claims"))
    assert paid_claim.case.number not in listed.content.decode()
    assert client.get("/api/mutual-aid/claims").json()["count"] == 0
    # The station that collected it, the district and the office read it.
    for who in ("station", "district", "office"):
        client.force_login(cu[who])
        assert client.get(reverse("mutualaid:claim", args=[paid_claim.pk])).status_code == 302
        assert client.get(f"/api/mutual-aid/claims/{paid_claim.pk}").json()["number"] == paid_claim.case.number


def test_collect_picks_the_member_from_the_register(client, clock, cu, covered, tree):
    clock.set(2026, 9, 21)
    member = covered("刘洋")
    elsewhere = covered("刘洋", unit=tree["g3"])
    client.force_login(cu["station"])
    found = client.get(reverse("mutualaid:claim_pick_member"), {"q": "刘洋"}).content.decode()
    assert reverse("mutualaid:claim_collect", args=[member.pk]) in found
    assert reverse("mutualaid:claim_collect", args=[elsewhere.pk]) not in found
    assert client.get(reverse("mutualaid:claim_collect", args=[elsewhere.pk])).status_code == 404
    page = client.get(reverse("mutualaid:claim_collect", args=[member.pk]))
    assert page.status_code == 200 and "刘洋" in page.content.decode()
    response = client.post(reverse("mutualaid:claim_collect", args=[member.pk]), {
        "claim_type": "fire", "event_date": "2026-09-10", "event_summary": "厨房起火", "assessed_loss": "6000",
        "documents": ["application", "id_card", "jingka", "unit_proof", "fire_report", "loss_list",
                      "residence_proof"]})
    assert response.status_code == 302
    claim = Claim.objects.get(member=member)
    assert claim.assessed_loss == Decimal("6000.00") and not claim.missing_documents
    # The same event again: a clear error on the page, nothing added.
    again = client.post(reverse("mutualaid:claim_collect", args=[member.pk]), {
        "claim_type": "fire", "event_date": "2026-09-10", "event_summary": "厨房起火", "assessed_loss": "6000"})
    assert again.status_code == 200 and claim.case.number in again.content.decode()
    assert Claim.objects.filter(member=member).count() == 1


def test_collect_form_bounds(client, clock, cu, covered):
    clock.set(2026, 9, 21)
    member = covered("边界")
    client.force_login(cu["station"])
    url = reverse("mutualaid:claim_collect", args=[member.pk])
    for bad in ({"claim_type": "disability", "event_date": "2026-09-10", "event_summary": "x"},  # no grade
                {"claim_type": "fire", "event_date": "2026-09-10", "event_summary": "x", "assessed_loss": "-1"},
                {"claim_type": "death", "event_date": "2027-01-01", "event_summary": "x"},
                {"claim_type": "other", "event_date": "2026-09-10", "event_summary": "x"}):
        assert client.post(url, bad).status_code == 200
    assert not Claim.objects.exists()


def test_only_stations_collect_and_district_cannot_open(client, cu, covered, clock):
    clock.set(2026, 9, 21)
    member = covered("区里")
    for who in ("district", "office", "city"):
        client.force_login(cu[who])
        assert client.get(reverse("mutualaid:claim_pick_member")).status_code == 403
        assert client.get(reverse("mutualaid:claim_collect", args=[member.pk])).status_code == 403


def test_documents_checklist_is_ticked_by_the_station(client, clock, cu, covered):
    clock.set(2026, 9, 21)
    case = collect(cu["station"], covered("材料"), complete=False)
    claim = Claim.objects.get(case=case)
    client.force_login(cu["station2"])
    assert client.post(reverse("mutualaid:claim_documents", args=[claim.pk]),
                       {"documents": ["id_card"]}).status_code == 404
    client.force_login(cu["station"])
    page = client.get(reverse("workflow:case", args=[case.number])).content.decode()
    assert reverse("mutualaid:claim_documents", args=[claim.pk]) in page
    client.post(reverse("mutualaid:claim_documents", args=[claim.pk]),
                {"documents": ["application", "id_card", "jingka", "unit_proof", "accident_proof",
                               "medical_records", "disability_assessment"]})
    claim.refresh_from_db()
    assert not claim.missing_documents
    from unionserve.audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="claim_documents").count() == 1
    assert engine.perform(case, "submit", actor=cu["station"]).state == "district_review"


def test_social_worker_cannot_decide_through_the_api(client, clock, cu, covered):
    clock.set(2026, 9, 21)
    case = to_city(collect(cu["station"], covered("接口")), cu)
    claim = Claim.objects.get(case=case)
    client.force_login(cu["station"])
    r = client.post(f"/api/mutual-aid/claims/{claim.pk}/actions/approve",
                    {"version": case.version, "data": {"amount": "100"}}, content_type="application/json")
    assert r.status_code == 403
    client.force_login(cu["office"])
    # The case page shows the office the most it may pay (grade 1: the whole disability cap) and the form.
    page = client.get(reverse("workflow:case", args=[case.number])).content.decode()
    assert "5000.00" in page and "/act/approve/" in page
    detail = client.get(f"/api/mutual-aid/claims/{claim.pk}").json()
    assert {a["code"] for a in detail["actions"]} >= {"approve", "refuse"}
    over = client.post(f"/api/mutual-aid/claims/{claim.pk}/actions/approve",
                       {"version": case.version, "data": {"amount": "5000.01"}}, content_type="application/json")
    assert over.status_code == 400
    ok = client.post(f"/api/mutual-aid/claims/{claim.pk}/actions/approve",
                     {"version": case.version, "data": {"amount": "5000"}}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["state"] == "pay" and ok.json()["amount"] == "5000.00"


def test_collect_through_the_api(client, clock, cu, covered):
    clock.set(2026, 9, 21)
    member = covered("接口采集")
    client.force_login(cu["station"])
    body = {"member_id": member.pk, "claim_type": "death", "event_date": "2026-09-01", "event_summary": "事故",
            "documents": ["application"]}
    r = client.post("/api/mutual-aid/claims", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["state"] == "collected"
    assert client.post("/api/mutual-aid/claims", body, content_type="application/json").status_code == 400
    client.force_login(cu["district"])
    assert client.post("/api/mutual-aid/claims", {**body, "event_date": "2026-09-02"},
                       content_type="application/json").status_code == 403


def test_member_page_section(client, cu, paid_claim):
    client.force_login(cu["station"])
    page = client.get(reverse("members:detail", args=[paid_claim.member_id])).content.decode()
    assert paid_claim.case.number in page and "4500" in page


def test_statistics(client, cu, paid_claim, clock, covered, tree):
    clock.set(2026, 9, 23)
    refused = to_city(collect(cu["station"], covered("拒赔"), "fire", loss=Decimal("100")), cu)
    engine.perform(refused, "refuse", actor=cu["office"], data={"reason": "documents", "explanation": "材料不实"})
    clock.set(2026, 10, 2)
    client.force_login(cu["office"])
    page = client.get(reverse("mutualaid:claim_statistics"), {"year": 2026})
    assert page.status_code == 200
    f = page.context["f"]
    assert f.paid == 1 and f.amount == Decimal("4500.00") and f.members == 1
    assert f.decided == 2 and f.refused == 1 and f.refused_share == Decimal("50.0")
    assert f.average_days == Decimal("8.0") and f.on_time == 1
    assert [line.paid for line in f.by_quarter] == [0, 0, 1, 0]
    assert [(line.label, line.paid) for line in f.by_district] == [("东城区中心", 1)]
    # g1 hangs under the bus company too: the industry line counts the same claim once.
    assert [(line.label, line.paid) for line in f.by_industry] == [("交通运输工会", 1)]
    assert f.reasons and f.reasons[0][1] == 1
    xlsx = client.get(reverse("mutualaid:claim_statistics"), {"year": 2026, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    api = client.get("/api/mutual-aid/claims/statistics", {"year": 2026, "quarter": 3}).json()
    assert api["paid"] == 1 and api["amount"] == "4500.00"
    assert client.get(reverse("mutualaid:claim_statistics"), {"year": "1990"}).status_code == 400
    assert client.get(reverse("mutualaid:claim_statistics"), {"quarter": "9"}).status_code == 400
    assert client.get("/api/mutual-aid/claims/statistics", {"quarter": 5}).status_code == 422
    # Scoped: the other district's station sees nothing; a social worker has no statistics at all.
    client.force_login(cu["station3"])
    assert client.get(reverse("mutualaid:claim_statistics")).status_code == 403


def test_list_and_export(client, cu, paid_claim):
    client.force_login(cu["district"])
    page = client.get(reverse("mutualaid:claims"), {"state": "paid"})
    assert paid_claim.case.number in page.content.decode()
    assert paid_claim.case.number not in client.get(reverse("mutualaid:claims"), {"state": "refused"}).content.decode()
    assert client.get(reverse("mutualaid:claims"), {"format": "xlsx"}).status_code == 200
    assert client.get(reverse("mutualaid:claims"), {"page": "99999999999"}).status_code == 200
