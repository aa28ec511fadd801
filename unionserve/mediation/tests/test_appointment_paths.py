"""Appointing the mediator through the API and through the case panel: one engine call, one result."""

import pytest

from unionserve.accounts.actions import issue_token
from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.mediation.intake import open_mediation
from unionserve.mediation.models import MediationCase
from unionserve.workflow import actions
from unionserve.workflow.models import Case, Step

from .helpers import appoint

pytestmark = pytest.mark.django_db


def bearer(user):
    _t, key = issue_token(user, "t")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _case_at_dc(people, tree):
    case = open_mediation(people["city"], data={"dispute_type": "wages", "summary": "x", "workers": "甲",
                                                "employer_name": "某公司"})
    return actions.perform(case, "accept_dispatch", actor=people["city"], data={"units": tree["dc"].code},
                           version=case.version)


def _by_api(client, people, case, mediator):
    return client.post(f"/api/work/cases/{case.number}/actions/appoint_mediator",
                       {"version": case.version, "data": {"mediator": str(mediator.pk)}},
                       content_type="application/json", **bearer(people["district"]))


def _by_page(client, people, case, mediator):
    client.force_login(people["district"])
    response = appoint(client, case, mediator)
    client.logout()
    return response


@pytest.mark.parametrize("path", [_by_api, _by_page], ids=["api", "page"])
def test_the_appointed_mediator_opens_the_case(client, people, tree, mediators, path):
    case = _case_at_dc(people, tree)
    response = path(client, people, case, mediators["m1"])
    assert response.status_code in (200, 302), response.content
    case = Case.objects.get(pk=case.pk)
    step = Step.objects.get(case=case, is_open=True)
    assert case.state == "dispatched" and step.assignee == people["med1"] and case.assignee == people["med1"]
    assert MediationCase.objects.get(case=case).mediator == mediators["m1"]
    audit = AuditEvent.objects.get(action=AuditAction.CASE_ACTION, detail__action="appoint_mediator")
    assert audit.actor == people["district"] and audit.detail["case"] == case.number

    client.force_login(people["med1"])
    assert client.get(f"/work/cases/{case.number}/").status_code == 200
    detail = client.get(f"/api/work/cases/{case.number}", **bearer(people["med1"]))
    assert detail.status_code == 200 and "submit_plan" in [a["code"] for a in detail.json()["actions"]]
    client.force_login(people["med2"])  # the unit's other mediator
    assert client.get(f"/work/cases/{case.number}/").status_code == 404


def test_the_api_refuses_what_the_panel_refuses(client, people, tree, mediators):
    case = _case_at_dc(people, tree)
    response = _by_api(client, people, case, mediators["hd"])  # a mediator of Haidian
    assert response.status_code == 400
    assert MediationCase.objects.get(case=case).mediator is None
    # A mediator may not appoint, through the API either.
    response = client.post(f"/api/work/cases/{case.number}/actions/appoint_mediator",
                           {"version": case.version, "data": {"mediator": str(mediators["m2"].pk)}},
                           content_type="application/json", **bearer(people["med1"]))
    assert response.status_code in (403, 404)


def test_changing_to_a_mediator_without_a_login_hands_the_step_back_to_the_unit(people, tree, mediators):
    from unionserve.mediation import actions as mediation_actions
    from unionserve.mediation.models import Mediator

    case = _case_at_dc(people, tree)
    mediation_actions.appoint_mediator(case, mediators["m1"], acting_user=people["district"], version=case.version)
    case.refresh_from_db()
    outside = Mediator.objects.create(unit=tree["dc"], name="外聘调解员")
    mediation_actions.appoint_mediator(case, outside, acting_user=people["district"], version=case.version)
    case.refresh_from_db()
    assert case.steps.get(is_open=True).assignee is None and case.assignee is None
    event = case.events.filter(action="appoint_mediator").last()
    assert event.data["fields"][0][1].startswith("外聘调解员")  # and whom they replace
