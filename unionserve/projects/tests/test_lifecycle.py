"""The project lifecycle on the engine: every state to exit, sent back and resubmitted, roles and scope."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from unionserve.projects import actions
from unionserve.projects.models import Agreement, Evaluation, Project
from unionserve.workflow.errors import ActionRefused

from .conftest import go, period, proposal, report, submit


def test_every_state_to_exit_with_its_plaque_number(pj, tree):
    case = actions.propose(acting_user=pj["dc"], data=proposal(pj["m1"]))
    project = Project.objects.get(case=case)
    assert (case.state, project.code, project.run_unit, project.district) == ("inspection", case.number, tree["dc"],
                                                                               tree["dc"])
    assert project.subsidy == pytest.approx(12000.50) and str(project.subsidy) == "12000.50"
    case = submit(case, pj["dc"])
    assert case.state == "review" and case.current_unit == tree["city"]
    assert case.attachments.count() == 1
    case = go(case, "approve", pj["city"])
    assert case.state == "agreement" and case.current_unit == tree["dc"]
    case = go(case, "sign_agreement", pj["dc"], period())
    assert case.state == "plaque" and case.current_unit == tree["city"]
    case = go(case, "issue_plaque", pj["city"])
    project.refresh_from_db()
    year = timezone.localdate().year
    assert project.plaque_number == f"TY-{year}-00001"
    assert re.fullmatch(actions.PLAQUE_RE, project.plaque_number)
    assert not project.listed
    case = go(case, "publish", pj["city"])
    project.refresh_from_db()
    assert case.state == "published" and project.listed and case.current_unit == tree["dc"]
    case = go(case, "start", pj["dc"])
    assert case.state == "running"
    case = go(case, "send_to_evaluation", pj["dc"])
    assert case.state == "evaluation" and case.current_unit == tree["city"]
    case = go(case, "record_evaluation", pj["city"], {"year": year, "score": 55, "conclusion": "exit",
                                                     "remarks": "参与度低"})
    project.refresh_from_db()
    assert case.state == "renewal" and (project.evaluation_score, project.evaluation_conclusion) == (55, "exit")
    assert Evaluation.objects.get(project=project, year=year).score == 55
    case = go(case, "exit", pj["city"], {"reasons": "参与度低\n满意度低"})
    project.refresh_from_db()
    assert case.state == "exited" and case.is_closed
    assert not project.listed and project.exit_reasons == "参与度低\n满意度低"
    assert project.plaque_number == f"TY-{year}-00001"  # the plaque number stays on record


def test_plaque_numbers_are_unique_and_sequential(pj):
    first = actions.next_plaque_number(2026)
    assert first == "TY-2026-00001"
    Project.objects.filter(pk__in=[]).update()
    case = actions.propose(acting_user=pj["dc"], data=proposal(pj["m1"]))
    Project.objects.filter(case=case).update(plaque_number="TY-2026-00041")
    assert actions.next_plaque_number(2026) == "TY-2026-00042"
    assert actions.next_plaque_number(2027) == "TY-2027-00001"


def test_renewal_opens_a_new_agreement_period_and_runs_again(running, pj):
    year = timezone.localdate().year
    case = go(running, "send_to_evaluation", pj["dc"])
    case = go(case, "record_evaluation", pj["city"], {"year": year, "score": 90, "conclusion": "renew"})
    # The same year cannot be evaluated twice.
    start = timezone.localdate() + dt.timedelta(days=400)
    case = go(case, "renew", pj["city"], period(start))
    project = Project.objects.get(case=case)
    assert case.state == "running" and project.agreement_start == start
    assert Agreement.objects.filter(project=project).count() == 2
    assert Agreement.objects.filter(project=project, renewal=True).count() == 1
    case = go(case, "send_to_evaluation", pj["dc"])
    with pytest.raises(ActionRefused):
        go(case, "record_evaluation", pj["city"], {"year": year, "score": 90, "conclusion": "renew"})


def test_sent_back_with_reasons_and_resubmitted(pj, tree):
    case = submit(actions.propose(acting_user=pj["dc"], data=proposal(pj["m1"])), pj["dc"])
    case = go(case, "send_back", pj["city"], {"reasons": "优惠需明确\n补充资质"})
    project = Project.objects.get(case=case)
    assert case.state == "revision" and case.current_unit == tree["dc"]
    assert project.sent_back_reasons == "优惠需明确\n补充资质" and project.times_sent_back == 1
    case = go(case, "resubmit", pj["dc"], {"changes": "明确为九折", "offer": "持京卡购药九折，每月限两次",
                                          "subsidy": "8000"})
    project.refresh_from_db()
    assert case.state == "review" and case.current_unit == tree["city"]
    assert project.offer == "持京卡购药九折，每月限两次" and str(project.subsidy) == "8000.00"
    case = go(case, "approve", pj["city"])
    assert case.state == "agreement"


def test_a_station_cannot_approve(pj, running):
    case = submit(actions.propose(acting_user=pj["dc"], data=proposal(pj["m1"], run_level="station",
                                                                       run_unit="110101001")), pj["dc"])
    with pytest.raises(PermissionDenied):
        go(case, "approve", pj["st1"])
    # Nor may the proposer approve its own project, nor a department.
    with pytest.raises(PermissionDenied):
        go(case, "approve", pj["dc"])
    with pytest.raises(PermissionDenied):
        go(case, "approve", pj["dept"])
    assert case.state == "review"


def test_a_station_cannot_propose(pj):
    from unionserve.workflow.errors import NotAllowed

    with pytest.raises((NotAllowed, ActionRefused)):
        actions.propose(acting_user=pj["st1"], data=proposal(pj["m1"], run_level="station", run_unit="110101001"))


def test_submission_needs_the_inspection_report(pj):
    case = actions.propose(acting_user=pj["dc"], data=proposal(pj["m1"]))
    with pytest.raises(ActionRefused, match="inspection report|考察报告"):
        go(case, "submit", pj["dc"], {"inspected_on": timezone.localdate(), "inspection_summary": "好"})
    with pytest.raises(ActionRefused):
        go(case, "submit", pj["dc"], {"inspected_on": timezone.localdate() + dt.timedelta(days=1),
                                     "inspection_summary": "好", "files": [report()]})


@pytest.mark.parametrize(("data", "message"), [
    ({"run_level": "city"}, "city-wide"),
    ({"run_level": "station", "run_unit": "110108012"}, "not one of your units"),
    ({"run_level": "station", "run_unit": "110101"}, "station"),
    ({"merchant": "91110000802100433X"}, "Credit Code"),
    ({"merchant": "911101085513850820"}, "Credit Code"),
    ({"subsidy": "-1"}, "yuan"),
    ({"subsidy": "1.001"}, "yuan"),
    ({"subsidy": "1e30"}, "yuan"),
    ({"category": "weapons"}, "options"),
    ({"name": "　"}, "Fill in"),
    ({"offer": "x" * 501}, "500"),
])
def test_bad_proposals_are_refused_with_a_reason(pj, data, message):
    with pytest.raises(ActionRefused, match=message):
        actions.propose(acting_user=pj["dc"], data=proposal(pj["m1"], **data))
    assert not Project.objects.exists()


def test_agreement_period_is_bounded(pj):
    case = go(submit(actions.propose(acting_user=pj["dc"], data=proposal(pj["m1"])), pj["dc"]), "approve", pj["city"])
    with pytest.raises(ActionRefused, match="end after"):
        go(case, "sign_agreement", pj["dc"], period(days=0))
    with pytest.raises(ActionRefused, match="at most 1096"):
        go(case, "sign_agreement", pj["dc"], period(days=1097))
    case = go(case, "sign_agreement", pj["dc"], period(days=1096))
    assert case.state == "plaque"


def test_scope_of_district_run_projects(pj, tree):
    from unionserve.core.scope import scope_of

    dc_case = actions.propose(acting_user=pj["dc"], data=proposal(pj["m1"], run_level="station",
                                                                   run_unit="110101001"))
    hd_case = actions.propose(acting_user=pj["hd"], data=proposal(pj["m2"]))
    city_case = actions.propose(acting_user=pj["dept"], data=proposal(pj["m2"], run_level="city"))

    def seen(user):
        return set(scope_of(user).filter(Project.objects.all()).values_list("code", flat=True))

    assert seen(pj["dc"]) == {dc_case.number}
    assert seen(pj["hd"]) == {hd_case.number}
    assert seen(pj["st1"]) == {dc_case.number}  # the station that runs it
    assert seen(pj["st3"]) == set()
    assert seen(pj["city"]) == {dc_case.number, hd_case.number, city_case.number}
    assert Project.objects.get(case=city_case).district is None
