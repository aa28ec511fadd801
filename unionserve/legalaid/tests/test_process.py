"""Both legal-aid paths of seed 000 §四.6 end to end, and every deadline at its limit and one day past."""

import datetime as dt

import pytest

from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.legalaid import actions as la_actions
from unionserve.legalaid.models import LegalAidCase, Outcome, Result
from unionserve.legalaid.rules import CRITERIA
from unionserve.workflow import actions
from unionserve.workflow.errors import ActionRefused, NotAllowed
from unionserve.workflow.models import Case, Step
from unionserve.workflow.sweep import sweep

pytestmark = pytest.mark.django_db

APPLICATION = {
    "applicant_name": "王五", "employer_name": "北京某某科技有限公司", "employer_uscc": "91110108551385082Q",
    "dispute_type": "wages", "matter": "追索拖欠工资三个月", "applicant_phone": "13800138000",
    "amount_claimed": "24000",
}


def apply(user, **extra):
    return la_actions.intake(actor=user, data={**APPLICATION, **extra})


def screen(case, user, result=Result.MET, **kwargs):
    aid = LegalAidCase.objects.get(case=case)
    return la_actions.save_screen(aid, actor=user, results={c.code: (result, "") for c in CRITERIA}, **kwargs)


def do(case, user, action, **data):
    case = Case.objects.get(pk=case.pk)
    return actions.perform(case, action, actor=user, data=data)


def open_step(case):
    return Step.objects.get(case=case, is_open=True)


def test_down_path_accept_assign_report_archive(la, tree, documents):
    case = apply(la["city"])
    assert case.process == "legalaid" and case.number.startswith("FY") and case.state == "review_l1"
    aid = case.legal_aid
    assert aid.applicant_phone_masked == "138****8000" and aid.criteria.count() == len(CRITERIA)
    screen(case, la["city"])
    with pytest.raises(ActionRefused):
        do(case, la["city"], "accept", units="110101,110108")  # one level-2 unit assigns the firm
    case = do(case, la["city"], "accept", units="110101")
    assert case.state == "assign_firm" and open_step(case).unit == tree["dc"]
    assert [d[0] for d in documents] == ["acceptance_notice"] and documents[0][2]["handling_unit"] == "东城区中心"
    case = la_actions.assign(case, actor=la["dc"], contract=la["contract_a"].pk, lawyer=la["a1"].pk)
    step = open_step(case)
    assert case.state == "representing" and step.assignee == la["lawyer1"] and step.due_at is None
    shown = [text for _label, text in case.events.get(action="assign_firm").data["fields"]]
    assert "北京甲律师事务所" in shown[0] and shown[1] == "甲律师"  # names on the timeline, not record ids
    assert Case.objects.get(pk=case.pk).assignee == la["lawyer1"]
    from unionserve.notifications.models import Notification

    told = Notification.objects.filter(event="legalaid.assigned", recipient_user=la["lawyer1"])
    assert told.filter(channel="in_app").exists() and case.number in told.first().body
    case = do(case, la["lawyer1"], "report_file", result="won", result_summary="仲裁裁决支持全部请求",
              amount_recovered="24000")
    assert case.state == "file_summary" and open_step(case).unit == tree["dc"]
    case = do(case, la["dc"], "report_up")
    assert case.state == "archive_review" and open_step(case).unit == tree["city"]
    case = do(case, la["city"], "archive")
    assert case.state == "archived" and case.closed_at
    aid.refresh_from_db()
    assert aid.result == "won" and str(aid.amount_recovered) == "24000.00" and aid.archived_at


def test_down_path_refusal_with_reasons(la, documents):
    case = apply(la["city"])
    aid = LegalAidCase.objects.get(case=case)
    la_actions.save_screen(aid, actor=la["city"], results={"limitation": (Result.NOT_MET, "超过一年")})
    with pytest.raises(ActionRefused):
        do(case, la["city"], "accept", units="110101")
    with pytest.raises(ActionRefused):
        do(case, la["city"], "refuse", refusal_reasons="  \n ")
    case = do(case, la["city"], "refuse", refusal_reasons="已超过仲裁时效\n- 非劳动争议事项")
    assert case.state == "refused" and case.closed_at
    aid.refresh_from_db()
    assert aid.refusal_reasons == "已超过仲裁时效\n非劳动争议事项"
    code, _number, context = documents[-1]
    assert code == "legal_aid_refusal" and context["reasons"] == ["已超过仲裁时效", "非劳动争议事项"]


def test_an_undetermined_screen_allows_neither_decision(la):
    case = apply(la["city"])
    with pytest.raises(ActionRefused):
        do(case, la["city"], "accept", units="110101")
    with pytest.raises(ActionRefused):
        do(case, la["city"], "refuse", refusal_reasons="理由")


def test_override_needs_a_written_reason_and_is_audited(la):
    case = apply(la["city"])
    aid = LegalAidCase.objects.get(case=case)
    with pytest.raises(ActionRefused):
        la_actions.save_screen(aid, actor=la["city"], results={}, override_outcome=Outcome.ELIGIBLE,
                               override_reason="   ")
    assert not AuditEvent.objects.filter(action=AuditAction.ELIGIBILITY_OVERRIDDEN).exists()
    aid = la_actions.save_screen(aid, actor=la["city"], results={}, override_outcome=Outcome.ELIGIBLE,
                                 override_reason="困难职工，时效问题由律师在仲裁中主张中断")
    event = AuditEvent.objects.get(action=AuditAction.ELIGIBILITY_OVERRIDDEN)
    assert event.detail["computed"] == Outcome.UNDETERMINED and event.detail["override"] == Outcome.ELIGIBLE
    case = do(case, la["city"], "accept", units="110101")
    assert case.state == "assign_firm"


def test_screen_is_versioned_and_only_for_the_deciding_unit(la):
    from unionserve.workflow.errors import StaleCase

    case = apply(la["city"])
    aid = LegalAidCase.objects.get(case=case)
    with pytest.raises(ActionRefused):
        la_actions.save_screen(aid, actor=la["dc"], results={})
    la_actions.save_screen(aid, actor=la["city"], results={"merit": (Result.MET, "")}, version=1)
    with pytest.raises(StaleCase):
        la_actions.save_screen(aid, actor=la["city"], results={"merit": (Result.NOT_MET, "")}, version=1)


def test_up_path_level2_accepts_and_firm_reports_to_level1(la, tree):
    case = apply(la["st1"])
    assert case.process == "legalaid_up" and case.number.startswith("FYS") and case.state == "forward"
    case = do(case, la["st1"], "forward")
    assert case.state == "review_l2" and open_step(case).unit == tree["dc"]
    screen(case, la["dc"])
    case = do(case, la["dc"], "accept")
    assert case.state == "assign_firm" and open_step(case).unit == tree["dc"]
    case = la_actions.assign(case, actor=la["dc"], contract=la["contract_b"].pk, lawyer=la["b1"].pk)
    assert open_step(case).assignee == la["lawyer2"]
    # 上报 (4): the firm reports the case file straight to level 1.
    case = do(case, la["lawyer2"], "report_file", result="settled", result_summary="调解结案")
    assert case.state == "archive_review" and open_step(case).unit == tree["city"]
    case = do(case, la["city"], "archive")
    assert case.state == "archived"


def test_up_path_level2_refuses(la, tree):
    case = do(apply(la["st1"]), la["st1"], "forward")
    screen(case, la["dc"], result=Result.NOT_MET)
    case = do(case, la["dc"], "refuse", refusal_reasons="申请人已委托律师")
    assert case.state == "refused"


def test_up_path_major_case_goes_to_level1(la, tree):
    case = do(apply(la["st1"]), la["st1"], "forward")
    case = do(case, la["dc"], "refer", why="涉及百名职工集体欠薪")
    assert case.state == "review_l1" and open_step(case).unit == tree["city"]
    # Level 1 screens it again and decides; a level-1 acceptance assigns a city-contracted firm.
    with pytest.raises(ActionRefused):
        la_actions.save_screen(LegalAidCase.objects.get(case=case), actor=la["dc"], results={})
    screen(case, la["city"])
    case = do(case, la["city"], "accept")
    assert case.state == "assign_firm" and open_step(case).unit == tree["city"]
    case = la_actions.assign(case, actor=la["city"], contract=la["contract_a"].pk, lawyer=la["a_city"].pk)
    assert open_step(case).assignee == la["lawyer_city"]
    case = do(case, la["lawyer_city"], "report_file_here", result="partly", result_summary="部分支持")
    assert case.state == "archive_review" and open_step(case).unit == tree["city"]


def test_up_path_level1_may_refuse(la):
    case = do(apply(la["st1"]), la["st1"], "forward")
    case = do(case, la["dc"], "refer", why="重大")
    screen(case, la["city"], result=Result.NOT_MET)
    case = do(case, la["city"], "refuse", refusal_reasons="不属于劳动争议")
    assert case.state == "refused"


def test_intake_at_the_three_levels_by_staff_only_and_validates(la):
    # 002 §二(二): the city and the districts accept applications; a district's own starts at its review.
    assert apply(la["dc"]).state == "review_l2"
    with pytest.raises(NotAllowed):
        apply(la["lawyer1"])
    with pytest.raises(ActionRefused, match="统一社会信用代码"):
        apply(la["city"], employer_uscc="91110108551385082X")
    with pytest.raises(ActionRefused):
        apply(la["city"], amount_claimed="很多")
    assert LegalAidCase.objects.count() == 1  # the district's


# --- deadlines: at the limit and one day past -------------------------------------------------------


def _overdue_after(step_id, *moment):
    return Step.objects.get(pk=step_id).overdue


@pytest.mark.parametrize(("opened", "limit"), [
    # 5日 from Wednesday 2026-11-25: Monday 2026-11-30 (a working day).
    ((2026, 11, 25), dt.date(2026, 11, 30)),
    # 5日 from Tuesday 2026-11-24 ends Sunday 11-29, a rest day: the next working day, Monday 11-30.
    ((2026, 11, 24), dt.date(2026, 11, 30)),
])
def test_level1_review_within_5_days(la, clock, opened, limit):
    clock.set(*opened)
    case = apply(la["city"])
    step = open_step(case)
    assert step.deadline["rule"] == "calendar_days" and step.due_at.date() == limit
    clock.set(limit.year, limit.month, limit.day, 23, 0)
    sweep()
    assert not Step.objects.get(pk=step.pk).overdue
    nxt = limit + dt.timedelta(days=1)
    clock.set(nxt.year, nxt.month, nxt.day, 9, 0)
    sweep()
    assert Step.objects.get(pk=step.pk).overdue


def test_station_forwards_within_2_days(la, clock):
    clock.set(2026, 11, 23)  # Monday: 2日 → Wednesday 11-25
    case = apply(la["st1"])
    step = open_step(case)
    assert step.due_at.date() == dt.date(2026, 11, 25)
    clock.set(2026, 11, 25, 23, 0)
    sweep()
    assert not Step.objects.get(pk=step.pk).overdue
    clock.set(2026, 11, 26, 9, 0)
    sweep()
    assert Step.objects.get(pk=step.pk).overdue


def test_level2_review_within_3_days_and_level1_within_5(la, clock):
    clock.set(2026, 11, 23)
    case = apply(la["st1"])
    clock.set(2026, 11, 24)  # forwarded Tuesday: 3日 → Friday 11-27
    case = do(case, la["st1"], "forward")
    step = open_step(case)
    assert step.deadline["rule"] == "calendar_days" and step.due_at.date() == dt.date(2026, 11, 27)
    clock.set(2026, 11, 27, 23, 0)
    sweep()
    assert not Step.objects.get(pk=step.pk).overdue
    clock.set(2026, 11, 28, 9, 0)
    sweep()
    assert Step.objects.get(pk=step.pk).overdue
    clock.set(2026, 12, 1)  # referred Tuesday: 5日 → Sunday 12-06, a rest day → Monday 12-07
    case = do(case, la["dc"], "refer", why="重大")
    step = open_step(case)
    assert step.due_at.date() == dt.date(2026, 12, 7)
    clock.set(2026, 12, 7, 23, 0)
    sweep()
    assert not Step.objects.get(pk=step.pk).overdue
    clock.set(2026, 12, 8, 9, 0)
    sweep()
    assert Step.objects.get(pk=step.pk).overdue


def test_the_clock_stops_while_the_lawyer_acts(la, clock):
    clock.set(2026, 11, 23)
    case = apply(la["city"])
    screen(case, la["city"])
    case = do(case, la["city"], "accept", units="110101")
    case = la_actions.assign(case, actor=la["dc"], contract=la["contract_a"].pk, lawyer=la["a1"].pk)
    clock.set(2027, 6, 1)
    sweep()
    step = open_step(case)
    assert step.state == "representing" and step.due_at is None and not step.overdue


def _working_day_deadline(la, clock, state_action):
    """Open a down case and walk it to the state under test at Monday 2026-11-23 10:00."""
    clock.set(2026, 11, 23)
    case = apply(la["city"])
    screen(case, la["city"])
    case = do(case, la["city"], "accept", units="110101")
    if state_action == "assign_firm":
        return case
    case = la_actions.assign(case, actor=la["dc"], contract=la["contract_a"].pk, lawyer=la["a1"].pk)
    case = do(case, la["lawyer1"], "report_file", result="won", result_summary="结案")
    if state_action == "file_summary":
        return case
    return do(case, la["dc"], "report_up")


@pytest.mark.parametrize(("state", "limit"), [
    ("assign_firm", dt.date(2026, 11, 26)),      # 3 working days from Monday: Thursday
    ("file_summary", dt.date(2026, 11, 30)),     # 5 working days from Monday: next Monday
    ("archive_review", dt.date(2026, 12, 7)),    # 10 working days from Monday: the Monday after next
])
def test_platform_set_working_day_limits(la, clock, state, limit):
    case = _working_day_deadline(la, clock, state)
    step = open_step(case)
    assert step.state == state and step.deadline["rule"] == "working_days" and step.due_at.date() == limit
    clock.set(limit.year, limit.month, limit.day, 23, 0)
    sweep()
    assert not Step.objects.get(pk=step.pk).overdue
    nxt = limit + dt.timedelta(days=1)
    clock.set(nxt.year, nxt.month, nxt.day, 9, 0)
    sweep()
    assert Step.objects.get(pk=step.pk).overdue


def test_after_the_report_the_file_is_the_units_work_not_the_lawyers(la):
    from unionserve.workflow import inbox

    case = apply(la["city"])
    screen(case, la["city"])
    case = do(case, la["city"], "accept", units="110101")
    case = la_actions.assign(case, actor=la["dc"], contract=la["contract_a"].pk, lawyer=la["a1"].pk)
    assert inbox.todo_count(la["lawyer1"]) == 1
    case = do(case, la["lawyer1"], "report_file", result="won", result_summary="结案")
    assert open_step(case).assignee is None and inbox.todo_count(la["lawyer1"]) == 0
    assert Case.objects.visible_to(la["lawyer1"]).filter(pk=case.pk).exists()


def test_a_worker_home_forwards_to_the_nearest_level_2(la, tree, make_user):
    from unionserve.core.roles import Role

    officer = make_user(tree["g2"], Role.GRASSROOTS_OFFICER, username="g2officer")
    case = apply(officer)
    assert case.process == "legalaid_up"
    case = do(case, officer, "forward")
    assert case.state == "review_l2" and open_step(case).unit == tree["dc"]  # past the station (level 3)


def test_level2_may_return_a_wrong_dispatch(la, tree):
    case = apply(la["city"])
    screen(case, la["city"])
    case = do(case, la["city"], "accept", units="110101")
    case = do(case, la["dc"], "return", reason="wrong_area", comment="申请人单位在海淀区")
    step = open_step(case)
    assert step.unit == tree["city"] and step.kind == "review_return"
    case = do(case, la["city"], "rule_return", decision="redispatch", units="110108", comment="改派海淀")
    assert open_step(case).unit == tree["hd"]


REAL_MAKE_DOCUMENT = la_actions.make_document


def test_decisions_make_the_acceptance_notice_and_the_refusal_decision(la, monkeypatch):
    from unionserve.documents.models import GeneratedDocument

    monkeypatch.setattr("unionserve.legalaid.actions.make_document", REAL_MAKE_DOCUMENT)
    accepted = apply(la["city"])
    screen(accepted, la["city"])
    do(accepted, la["city"], "accept", units="110101")
    refused = apply(la["city"], applicant_name="赵六")
    screen(refused, la["city"], result=Result.NOT_MET)
    do(refused, la["city"], "refuse", refusal_reasons="已超过仲裁时效")
    docs = {d.case_id: d for d in GeneratedDocument.objects.all()}
    assert docs[accepted.pk].template_code == "acceptance_notice" and docs[accepted.pk].size > 0
    assert docs[refused.pk].template_code == "legal_aid_refusal"
    assert AuditEvent.objects.filter(action=AuditAction.DOCUMENT_GENERATED).count() == 2


def test_a_document_that_could_not_be_made_is_made_again_from_the_panel(la, client, monkeypatch):
    from unionserve.documents.models import GeneratedDocument

    def broken(code, *, case, context, user):
        raise RuntimeError("fonts missing")

    monkeypatch.setattr("unionserve.legalaid.actions.make_document", REAL_MAKE_DOCUMENT)
    monkeypatch.setattr("unionserve.documents.public.generate", broken)
    case = apply(la["city"])
    screen(case, la["city"], result=Result.NOT_MET)
    case = do(case, la["city"], "refuse", refusal_reasons="不属于劳动争议")
    assert case.state == "refused" and not GeneratedDocument.objects.exists()  # the decision stands
    monkeypatch.undo()
    client.force_login(la["city"])
    page = client.get(f"/work/cases/{case.number}/").content.decode()
    assert f"/legalaid/cases/{case.number}/documents/" in page
    client.force_login(la["dc"])
    client.post(f"/legalaid/cases/{case.number}/documents/")
    assert not GeneratedDocument.objects.exists()  # another unit may not (and does not even see the case)
    client.force_login(la["city"])
    assert client.post(f"/legalaid/cases/{case.number}/documents/").status_code == 302
    assert GeneratedDocument.objects.get().template_code == "legal_aid_refusal"
    assert f"/legalaid/cases/{case.number}/documents/" not in client.get(f"/work/cases/{case.number}/").content.decode()


def test_the_dispute_type_migration_maps_the_cases(la):
    import importlib

    from django.apps import apps

    case = apply(la["city"])
    migration = importlib.import_module("unionserve.legalaid.migrations.0003_shared_dispute_types")
    migration._recode(apps, {"wages": "hours"})  # the same statement as insurance → social_insurance
    assert LegalAidCase.objects.get(case=case).dispute_type == "hours"
