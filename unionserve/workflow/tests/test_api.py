"""The case API follows the same rules as the pages."""

import pytest

from unionserve.accounts.actions import issue_token
from unionserve.workflow import actions

pytestmark = pytest.mark.django_db


def bearer(user):
    _t, key = issue_token(user, "t")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def case(example, people):
    case = actions.open_case("example", actor=people["agent"], title="API案件")
    return actions.perform(case, "dispatch", actor=people["agent"],
                           data={"units": "110101001", "filed_units": "110101"})


def test_list_read_timeline_and_counts(client, case, people):
    auth = bearer(people["st1"])
    data = client.get("/api/work/cases", **auth).json()
    assert [c["number"] for c in data["items"]] == [case.number]
    detail = client.get(f"/api/work/cases/{case.number}", **auth).json()
    assert detail["state"] == "handling" and {a["code"] for a in detail["actions"]} >= {"sign", "return"}
    timeline = client.get(f"/api/work/cases/{case.number}/timeline", **auth).json()
    assert [e["action"] for e in timeline] == ["opened", "dispatch"]
    assert client.get("/api/work/inbox/counts", **auth).json()["todo"] == 1


def test_take_actions_with_version(client, case, people):
    auth = bearer(people["st1"])
    detail = client.get(f"/api/work/cases/{case.number}", **auth).json()
    response = client.post(f"/api/work/cases/{case.number}/actions/sign", {"version": detail["version"]},
                           content_type="application/json", **auth)
    assert response.status_code == 200
    stale = client.post(f"/api/work/cases/{case.number}/actions/feedback",
                        {"version": detail["version"], "data": {"result": "完成"}},
                        content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans", **auth)
    assert stale.status_code == 409 and "刷新" in stale.json()["detail"]
    fresh = response.json()["version"]
    missing = client.post(f"/api/work/cases/{case.number}/actions/feedback", {"version": fresh, "data": {}},
                          content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans", **auth)
    assert missing.status_code == 400 and "办理结果" in missing.json()["detail"]
    done = client.post(f"/api/work/cases/{case.number}/actions/feedback",
                       {"version": fresh, "data": {"result": "已协调"}}, content_type="application/json", **auth)
    assert done.status_code == 200 and done.json()["state"] == "callback"


def test_filed_unit_reads_but_cannot_act_and_strangers_get_404(client, case, people):
    auth = bearer(people["dc"])
    assert client.get(f"/api/work/cases/{case.number}", **auth).status_code == 200
    response = client.post(f"/api/work/cases/{case.number}/actions/sign", {"version": case.version},
                           content_type="application/json", **auth)
    assert response.status_code == 403
    stranger = bearer(people["st3"])
    assert client.get(f"/api/work/cases/{case.number}", **stranger).status_code == 404
    assert client.get("/api/work/cases", **stranger).json()["count"] == 0
