"""Assigning the firm and lawyer through the API and through the assignment page: one engine call, one result.

The lawyer assigned through `POST /api/work/cases/{number}/actions/assign_firm` opens his case, exactly as
when the district's staff use the assignment page; both write the same timeline entry and audit row.
"""

import pytest

from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.notifications.models import Notification
from unionserve.workflow.models import Case, Step

from .test_pages import accepted_down, bearer

pytestmark = pytest.mark.django_db


def _by_api(client, la, case, lawyer):
    return client.post(f"/api/work/cases/{case.number}/actions/assign_firm",
                       {"version": case.version, "data": {"contract": str(la["contract_a"].pk),
                                                          "lawyer": str(lawyer.pk)}},
                       content_type="application/json", **bearer(la["dc"]))


def _by_page(client, la, case, lawyer):
    client.force_login(la["dc"])
    response = client.post(f"/legalaid/cases/{case.number}/assign/",
                           {"version": case.version, "contract": la["contract_a"].pk, "lawyer": lawyer.pk})
    client.logout()
    return response


@pytest.mark.parametrize("path", [_by_api, _by_page], ids=["api", "page"])
def test_the_assigned_lawyer_opens_his_case(client, la, path):
    case = accepted_down(la)
    response = path(client, la, case, la["a1"])
    assert response.status_code in (200, 302), response.content
    case = Case.objects.get(pk=case.pk)
    step = Step.objects.get(case=case, is_open=True)
    assert case.state == "representing" and step.assignee == la["lawyer1"] and case.assignee == la["lawyer1"]
    assert Notification.objects.filter(event="legalaid.assigned", recipient_user=la["lawyer1"]).exists()
    audit = AuditEvent.objects.get(action=AuditAction.CASE_ACTION, detail__action="assign_firm")
    assert audit.actor == la["dc"] and audit.unit == la["dc"].org_unit and audit.detail["case"] == case.number
    assert (audit.detail["from"], audit.detail["to"]) == ("assign_firm", "representing")

    # The lawyer opens the case page and the case in the API, and acts on it there.
    client.force_login(la["lawyer1"])
    assert client.get(f"/work/cases/{case.number}/").status_code == 200
    auth = bearer(la["lawyer1"])
    detail = client.get(f"/api/work/cases/{case.number}", **auth)
    assert detail.status_code == 200 and "report_file" in [a["code"] for a in detail.json()["actions"]]
    assert client.get(f"/api/legalaid/cases/{case.number}", **auth).status_code == 200
    # His colleague of the same unit, not assigned, does not see it.
    client.force_login(la["lawyer2"])
    assert client.get(f"/work/cases/{case.number}/").status_code == 404


def test_api_and_page_leave_the_same_engine_rows(client, la):
    by_api, by_page = accepted_down(la), accepted_down(la, applicant_name="赵六")
    la["contract_a"].capacity = 5
    la["contract_a"].save()
    _by_api(client, la, by_api, la["a1"])
    # The second case against the same employer is flagged: the page asks for a reason; the API gives one too.
    client.force_login(la["dc"])
    client.post(f"/legalaid/cases/{by_page.number}/assign/",
                {"version": by_page.version, "contract": la["contract_a"].pk, "lawyer": la["a1"].pk,
                 "conflict_reason": "同一用人单位，无冲突"})

    def rows(case):
        case = Case.objects.get(pk=case.pk)
        step = Step.objects.get(case=case, is_open=True)
        event = case.events.get(action="assign_firm")
        return (case.state, case.assignee_id, case.version, step.state, step.assignee_id, step.unit_id,
                event.from_state, event.to_state, event.actor_id)

    assert rows(by_api) == rows(by_page)


def test_a_lawyer_without_a_login_at_the_unit_leaves_the_step_with_the_staff(client, la):
    case = accepted_down(la)
    response = _by_api(client, la, case, la["a_city"])  # the city's lawyer logs in at the city, not Dongcheng
    assert response.status_code == 200, response.content
    assert Step.objects.get(case=case, is_open=True).assignee is None
    assert response.json()["state"] == "representing"


def test_a_pending_extension_request_does_not_hide_the_lawyers_unit(client, la):
    from unionserve.workflow import actions

    case = accepted_down(la)
    step = Step.objects.get(case=case, is_open=True)
    case = actions.perform(case, "request_extension", actor=la["dc"], step_id=step.pk,
                           data={"days": 2, "comment": "律所正在核对利益冲突"})
    # The city's review step of the request is open in the same state, at the city, due sooner.
    assert case.steps.filter(is_open=True, state="assign_firm").count() == 2
    assert _by_api(client, la, case, la["a1"]).status_code == 200
    assert Step.objects.get(case=case, is_open=True, state="representing").assignee == la["lawyer1"]
