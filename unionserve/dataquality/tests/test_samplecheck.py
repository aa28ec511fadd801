"""Sample checks: a run sends one case per unit through the engine; results are recorded; accuracy follows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from unionserve.core.roles import Role
from unionserve.dataquality import actions
from unionserve.dataquality.models import (
    ItemResult,
    QualitySnapshot,
    RunStatus,
    SampleCheckCase,
    SampleCheckItem,
    SampleUnitKind,
    policy_in_force,
)
from unionserve.workflow import actions as engine
from unionserve.workflow.errors import ActionRefused
from unionserve.workflow.models import Case

from .helpers import change_policy, employer, members

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(tree):
    employer(tree["st1"], grassroots=tree["g1"], reported=30)
    employer(tree["st1"], grassroots=tree["g2"], reported=5)
    employer(tree["st3"], grassroots=tree["g3"], reported=8)
    return {"g1": members(tree["g1"], 30), "g2": members(tree["g2"], 5), "g3": members(tree["g3"], 8)}


def test_run_creates_one_case_per_unit_with_members(tree, users, register):
    run = actions.create_run(acting_user=users["city"], root=tree["city"], seed=1)
    checks = {c.unit.code: c for c in run.cases.select_related("unit", "case")}
    assert set(checks) == {"110101001", "110108012"}  # station 2 has no members: no case
    assert run.policy == policy_in_force() and run.sample_size == 20
    st1 = checks["110101001"]
    assert st1.items.count() == 20 and checks["110108012"].items.count() == 8
    assert set(st1.items.values_list("grassroots__code", flat=True)) <= {"G1", "G2"}
    case = st1.case
    assert case.process == "samplecheck" and case.number.startswith("CJ") and case.state == "checking"
    step = case.steps.get(is_open=True)
    assert step.unit == tree["st1"] and step.deadline["n"] == 5 and step.dispatcher_unit == tree["city"]
    # The same seed draws the same sample.
    again = actions.create_run(acting_user=users["city"], root=tree["city"], seed=1)
    same = again.cases.get(unit=tree["st1"])
    assert list(same.items.values_list("member_id", flat=True)) == list(st1.items.values_list("member_id", flat=True))


def test_run_per_grassroots_union_in_a_district(tree, users, register):
    run = actions.create_run(acting_user=users["district"], root=tree["dc"], unit_kind=SampleUnitKind.GRASSROOTS,
                             sample_size=3)
    assert sorted(run.cases.values_list("unit__code", flat=True)) == ["G1", "G2"]
    assert SampleCheckItem.objects.filter(unit_check__run=run).count() == 6


def test_run_outside_scope_is_refused(tree, users, register):
    with pytest.raises(actions.QualityError):
        actions.create_run(acting_user=users["district"], root=tree["hd"])


def test_the_policy_sets_the_checking_deadline(tree, users, register):
    change_policy(users["city"], users["admin"], timezone.localdate(), sample_size_per_unit=4,
                  check_deadline_working_days=3)
    run = actions.create_run(acting_user=users["city"], root=tree["dc"])
    check = run.cases.get()
    assert check.items.count() == 4
    step = check.case.steps.get(is_open=True)
    assert step.deadline["n"] == 3 and check.case.due_at == step.due_at
    assert step.policy_version.version == 2 and step.deadline["policy"]["version"] == 2
    assert run.policy_versions["dataquality.check_days"]["version"] == 2
    # Returned and dispatched again by the office: the policy's period again, not the state's default.
    case = engine.perform(check.case, "return", actor=users["station"], step_id=step.pk,
                          data={"reason": "insufficient", "comment": "名单有误"})
    review = case.steps.get(is_open=True)
    case = engine.perform(case, "rule_return", actor=users["city"], step_id=review.pk,
                          data={"decision": "insist", "comment": "请按名单核查"})
    again = case.steps.get(is_open=True)
    assert again.pk != step.pk and again.state == "checking" and again.deadline["n"] == 3


def _record_all(check, user, wrong: int = 0, corrected: int = 0):
    items = list(check.items.all())
    results: dict[int, tuple[str, str]] = {}
    for n, item in enumerate(items):
        if n < wrong:
            results[item.pk] = (ItemResult.WRONG, "手机号错误")
        elif n < wrong + corrected:
            results[item.pk] = (ItemResult.CORRECTED, "")
        else:
            results[item.pk] = (ItemResult.CORRECT, "")
    return actions.record_results(check, results, acting_user=user)


def test_record_feed_back_review_close_and_accuracy(tree, users, register):
    run = actions.create_run(acting_user=users["city"], root=tree["dc"], sample_size=20)
    check = run.cases.get(unit=tree["st1"])
    case = check.case
    with pytest.raises(ActionRefused):  # nothing recorded yet
        engine.perform(case, "feedback", actor=users["station"])
    with pytest.raises(actions.QualityError):  # only the checking unit records
        _record_all(check, users["city"])
    with pytest.raises(actions.QualityError):  # "wrong" needs a note
        actions.record_results(check, {check.items.first().pk: (ItemResult.WRONG, "")}, acting_user=users["station"])
    assert _record_all(check, users["station"], wrong=1, corrected=1) == 20
    case = engine.perform(Case.objects.get(pk=case.pk), "feedback", actor=users["station"])
    assert case.state == "review" and case.current_unit == tree["city"]
    with pytest.raises(actions.QualityError):  # fed back: no more changes
        _record_all(check, users["station"])
    # Not closed yet: accuracy counts nothing.
    actions.recompute_snapshots(remind=False)
    assert QualitySnapshot.objects.get(unit=tree["st1"], date=timezone.localdate()).items_checked == 0
    case = engine.perform(case, "close", actor=users["city"])
    assert case.state == "closed"
    run.refresh_from_db()
    assert run.status == RunStatus.CLOSED
    actions.recompute_snapshots(remind=False)
    s = QualitySnapshot.objects.get(unit=tree["st1"], date=timezone.localdate())
    assert (s.items_correct, s.items_checked) == (18, 20)  # 90%: corrected counts as not accurate
    assert "accuracy" in actions.below_thresholds(
        [s.employers, s.employers_passed, s.members_reported, s.members_collected, 0, 20, 18], s.policy)
    city = QualitySnapshot.objects.get(unit=tree["city"], date=timezone.localdate())
    assert (city.items_correct, city.items_checked) == (18, 20)
    # Outside the policy's window (365 days after closing) the check no longer counts.
    actions.recompute_snapshots(timezone.localdate() + dt.timedelta(days=400), remind=False)
    assert not QualitySnapshot.objects.filter(date=timezone.localdate() + dt.timedelta(days=400),
                                              items_checked__gt=0).exists()


def test_check_page_scope_and_recording(tree, users, register, client_for):
    run = actions.create_run(acting_user=users["city"], root=tree["city"], sample_size=2)
    mine = run.cases.get(unit=tree["st1"])
    theirs = run.cases.get(unit=tree["st3"])
    client = client_for(users["station"])
    url = reverse("dataquality:check", args=[mine.case.number])
    page = client.get(url)
    assert page.status_code == 200 and "select" in page.content.decode()
    assert client.get(reverse("dataquality:check", args=[theirs.case.number])).status_code == 404
    items = list(mine.items.all())
    post = {f"result-{i.pk}": ItemResult.CORRECT for i in items}
    assert client.post(url, post).status_code == 302
    assert set(mine.items.values_list("result", flat=True)) == {ItemResult.CORRECT}
    # The runs list shows a station only its own checks.
    listing = client.get(reverse("dataquality:runs")).content.decode()
    assert mine.case.number in listing and theirs.case.number not in listing
    # Another station cannot post either (404 before anything else).
    other = client_for(users["station3"])
    assert other.post(url, post).status_code == 404
    # The city reads it without recording.
    city_page = client_for(users["city"]).get(url)
    assert city_page.status_code == 200 and 'name="result-' not in city_page.content.decode()


def test_run_pages(tree, users, register, client_for):
    client = client_for(users["district"])
    assert client.get(reverse("dataquality:run_create")).status_code == 200
    response = client.post(reverse("dataquality:run_create"), {"root": "110101", "unit_kind": "station",
                                                               "sample_size": 5, "note": "季度抽检"})
    assert response.status_code == 302
    check = SampleCheckCase.objects.get()
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and check.case.number in detail.content.decode()
    # A district cannot start a check in another district: the code is not in its scope.
    bad = client.post(reverse("dataquality:run_create"), {"root": "110108", "unit_kind": "station", "sample_size": 5})
    assert bad.status_code == 200 and SampleCheckCase.objects.count() == 1
    # Another district's users do not see the run.
    hd_user = client_for(_user_at(tree["hd"]))
    assert hd_user.get(reverse("dataquality:run", args=[check.run_id])).status_code == 404
    # A social worker may not start checks.
    assert client_for(users["station"]).get(reverse("dataquality:run_create")).status_code == 403


def _user_at(unit):
    from unionserve.accounts.actions import create_user

    return create_user(username="hd", display_name="海淀", org_unit=unit, roles=[Role.CENTER_STAFF],
                       password="Test-pass-123", must_change_password=False, acting_user=None)
