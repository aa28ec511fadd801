import json
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from unionserve.mutualaid.models import BatchState, LineState

from .helpers import expense_csv

pytestmark = pytest.mark.django_db


def _post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_the_batch_over_the_api(client_for, tmp_path, tree, insured, ma_users):
    a, b = insured(tree["g1"], "甲"), insured(tree["g3"], "乙")
    path = expense_csv(tmp_path, [(a, "门诊", "2026-01-10", "2026-01-10", "155"),
                                  (b, "住院", "2026-02-10", "2026-02-12", "1300")])
    office = client_for(ma_users["office"])
    with open(path, "rb") as fh:
        response = office.post("/api/mutual-aid/batches", {"year": 2026, "quarter": 1,
                                                           "file": SimpleUploadedFile("q.csv", fh.read())})
    assert response.status_code == 201, response.content
    batch = response.json()
    assert (batch["lines"], batch["total_payout"]) == (2, "650.00")  # 50.00 + (1300 − 300) × 60 %
    lines = office.get(f"/api/mutual-aid/batches/{batch['id']}/lines").json()["items"]
    for line in lines:
        if line["state"] == LineState.FLAGGED:
            assert _post(office, f"/api/mutual-aid/batches/{batch['id']}/lines/{line['id']}/clear").status_code == 200
    assert _post(office, f"/api/mutual-aid/batches/{batch['id']}/finish").json()["state"] == BatchState.SECOND_REVIEW
    refused = _post(office, f"/api/mutual-aid/batches/{batch['id']}/approve")
    assert refused.status_code == 400
    office2 = client_for(ma_users["office2"])
    assert _post(office2, f"/api/mutual-aid/batches/{batch['id']}/approve").json()["state"] == BatchState.APPROVED
    # The station sees its member's line, not the other station's.
    st1 = client_for(ma_users["st1"])
    mine = st1.get("/api/mutual-aid/lines").json()["items"]
    assert [ln["member_id"] for ln in mine] == [a.pk]
    other = next(ln for ln in lines if ln["member_id"] == b.pk)
    assert st1.get(f"/api/mutual-aid/lines/{other['id']}").status_code == 404
    assert st1.get(f"/api/mutual-aid/batches/{batch['id']}").status_code == 403
    aid = st1.get(f"/api/mutual-aid/members/{a.pk}?year=2026").json()
    assert (aid["counted"], aid["remaining"], aid["cap"]) == ("50.00", "100603.00", "100653.00")
    assert st1.get(f"/api/mutual-aid/members/{b.pk}").status_code == 404


def test_enrol_and_eligibility_over_the_api(client_for, tree, ma_users, plans):
    from unionserve.members.tests.factories import make_member

    m = make_member(tree["g1"], "新会员")
    st1 = client_for(ma_users["st1"])
    response = _post(st1, "/api/mutual-aid/enrolments", {"member_id": m.pk, "plan": "medical", "year": 2026,
                                                          "unit": "G1", "contribution": "80.00",
                                                          "in_social_insurance": True})
    assert response.status_code == 201, response.content
    assert D(response.json()["contribution"]) == D("80")
    again = _post(st1, "/api/mutual-aid/enrolments", {"member_id": m.pk, "plan": "medical", "year": 2026,
                                                       "unit": "G1", "contribution": "80.00"})
    assert again.status_code == 400
    answer = st1.get(f"/api/mutual-aid/eligibility?member_id={m.pk}&plan=medical&on=2026-03-01").json()
    assert answer == {"eligible": False, "reason": "no_card", "reason_text": "没有当日有效的京卡"} or \
        answer["reason"] == "no_card"
    assert st1.get("/api/mutual-aid/plans").status_code == 200
    assert len(st1.get("/api/mutual-aid/enrolments?year=2026").json()["items"]) == 1
    st3 = client_for(ma_users["st3"])
    assert st3.get(f"/api/mutual-aid/eligibility?member_id={m.pk}&plan=medical&on=2026-03-01").status_code == 404
