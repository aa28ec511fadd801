"""Who sees what: a mediator only their own cases, another district nothing; the API is scoped the same way."""

import json
from decimal import Decimal

from django.urls import reverse

from unionserve.core.scope import scope_of
from unionserve.mediation import actions as mediation_actions
from unionserve.mediation.intake import open_mediation
from unionserve.mediation.models import MediationCase
from unionserve.workflow import actions
from unionserve.workflow.models import Case


def _dispatched_to(people, tree, mediator):
    case = open_mediation(people["city"], data={"dispute_type": "wages", "summary": "x", "workers": "甲",
                                                "employer_name": "某公司"})
    case = actions.perform(case, "accept_dispatch", actor=people["city"], data={"units": tree["dc"].code},
                           version=case.version)
    mediation_actions.appoint_mediator(case, mediator, acting_user=people["district"], version=case.version)
    return Case.objects.get(pk=case.pk)


def test_a_mediator_cannot_open_another_mediators_case(client, people, tree, mediators):
    mine = _dispatched_to(people, tree, mediators["m1"])
    theirs = _dispatched_to(people, tree, mediators["m2"])
    client.force_login(people["med1"])
    assert client.get(reverse("workflow:case", args=[mine.number])).status_code == 200
    assert client.get(reverse("workflow:case", args=[theirs.number])).status_code == 404
    listed = client.get(reverse("mediation:cases")).content.decode()
    assert mine.number in listed and theirs.number not in listed
    mine_page = client.get(reverse("mediation:mine")).content.decode()
    assert mine.number in mine_page and theirs.number not in mine_page
    assert client.get(f"/api/mediation/cases/{theirs.number}").status_code == 404
    assert client.get(f"/api/mediation/cases/{mine.number}").status_code == 200
    # Nor act on it, nor appoint on it.
    assert client.post(reverse("mediation:appoint", args=[theirs.number]),
                       {"mediator": mediators["m1"].pk, "version": theirs.version}).status_code == 404
    assert list(scope_of(people["med1"]).filter(MediationCase.objects.all())) == [mine.mediation]


def test_another_district_sees_nothing(client, people, tree, mediators):
    case = _dispatched_to(people, tree, mediators["m1"])
    client.force_login(people["station3"])  # 海淀区 中关村站
    assert client.get(reverse("workflow:case", args=[case.number])).status_code == 404
    assert case.number not in client.get(reverse("mediation:cases")).content.decode()
    assert client.get(f"/api/mediation/cases/{case.number}").status_code == 404
    assert client.post(reverse("mediation:appoint", args=[case.number]),
                       {"mediator": mediators["m1"].pk, "version": case.version}).status_code == 404
    doc = case.documents.first()
    assert client.get(reverse("documents:download", args=[doc.pk])).status_code == 404
    # The district that handles it and the city that dispatched it both read it.
    for name in ("district", "city"):
        client.force_login(people[name])
        assert client.get(reverse("workflow:case", args=[case.number])).status_code == 200


def test_api_intake_list_and_read(client, people, tree):
    from unionserve.members.tests.factories import make_member

    member = make_member(tree["g2"], "周会员")
    client.force_login(people["station"])
    payload = {"dispute_type": "wages", "summary": "拖欠工资", "employer_name": "某公司",
               "workers": [{"name": "周会员", "member_id": member.pk}, {"name": "非会员"}],
               "claims": [{"item": "工资", "amount": "12000.50"}, {"item": "赔礼道歉"}]}
    for unknown in ("overtime", "工资"):  # the shared vocabulary (core.vocab.DisputeType) only
        assert client.post("/api/mediation/cases", json.dumps({**payload, "dispute_type": unknown}),
                           content_type="application/json").status_code == 422
    response = client.post("/api/mediation/cases", json.dumps(payload), content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("TJ") and body["path"] == "up" and body["state"] == "received"
    assert body["parties"] == [{"name": "周会员", "member_id": member.pk}, {"name": "非会员", "member_id": None}]
    assert [Decimal(str(c["amount"])) if c["amount"] is not None else None for c in body["claims"]] == \
        [Decimal("12000.50"), None]
    listed = client.get("/api/mediation/cases?open=true").json()
    assert [c["number"] for c in listed["items"]] == [body["number"]]
    # Acting goes through the engine's API.
    response = client.post(f"/api/work/cases/{body['number']}/actions/mediate_here",
                           json.dumps({"version": body["version"], "data": {}}), content_type="application/json")
    assert response.status_code == 200, response.content
    assert client.get(f"/api/mediation/cases/{body['number']}").json()["state"] == "station_mediating"
    # Bad input: named, nothing created.
    bad = {**payload, "claims": [{"item": "工资", "amount": "-1"}]}
    assert client.post("/api/mediation/cases", json.dumps(bad), content_type="application/json").status_code == 422
    bad = {**payload, "workers": [{"name": "外人", "member_id": 999999}]}
    response = client.post("/api/mediation/cases", json.dumps(bad), content_type="application/json")
    assert response.status_code == 400 and "外人" in response.json()["detail"]
    assert MediationCase.objects.count() == 1
    # Another district: not listed, not readable; a mediator-less role cannot open.
    client.force_login(people["station3"])
    assert client.get("/api/mediation/cases").json()["count"] == 0
    client.force_login(people["auditor"])
    assert client.post("/api/mediation/cases", json.dumps(payload), content_type="application/json").status_code == 403
