"""Every case action, in every registered process, writes an audit row: who, which case, which action.

The timeline answers "what happened to this case"; the audit log answers "who did what" across all
processes. Each process is driven through its own area's entry point (the way its pages do), then one
action; a process registered without an entry here fails the test until one is added.
"""

from __future__ import annotations

import pytest

from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.core.roles import Role
from unionserve.workflow import actions
from unionserve.workflow.definitions import GENERIC_OPERATIONS
from unionserve.workflow.models import Case
from unionserve.workflow.registry import registry

pytestmark = pytest.mark.django_db


def _workorder(people, tree):
    case = actions.open_case("workorder", actor=people["city"], title="核查会员数据",
                             data={"category": "member_data", "instructions": "请核查"})
    return actions.perform(case, "dispatch", actor=people["city"], data={"units": tree["st1"].code}), "dispatch"


def _hotline(kind):
    def run(people, tree):
        from unionserve.hotline import actions as hotline_actions
        from unionserve.hotline import services
        from unionserve.hotline.models import Category

        extra = {"answer": "可向劳动监察投诉。"} if kind == "consultation" else {"units": [tree["st1"].code]}
        request = hotline_actions.take_request(services.Intake(
            kind=kind, category=Category.objects.get(code="LDGX02"), description="单位拖欠工资",
            caller_name="王芳", caller_phone="13912345678", **extra), acting_user=people["agent"])
        return request.case, "answer" if kind == "consultation" else "dispatch"
    return run


def _mediation(people, tree):
    from unionserve.mediation.intake import open_mediation

    case = open_mediation(people["city"], data={"dispute_type": "wages", "summary": "x", "workers": "甲",
                                                "employer_name": "某公司"})
    return actions.perform(case, "accept_dispatch", actor=people["city"], data={"units": tree["dc"].code}), \
        "accept_dispatch"


APPLICATION = {"applicant_name": "王五", "employer_name": "北京某某科技有限公司", "dispute_type": "wages",
               "matter": "追索拖欠工资"}


def _legalaid(people, tree):
    from unionserve.legalaid import actions as la_actions

    case = la_actions.intake(actor=people["city"], data=APPLICATION)
    return actions.perform(case, "comment", actor=people["city"], data={"comment": "已电话联系申请人"}), "comment"


def _legalaid_up(people, tree):
    from unionserve.legalaid import actions as la_actions

    case = la_actions.intake(actor=people["station"], data=APPLICATION)
    return actions.perform(case, "forward", actor=people["station"]), "forward"


def _samplecheck(people, tree):
    case = actions.open_case("samplecheck", actor=people["city"], title="抽检", data={})
    return actions.perform(case, "dispatch", actor=people["city"], data={"units": tree["st1"].code}), "dispatch"


def _project(people, tree):
    from unionserve.projects import actions as pj_actions
    from unionserve.projects.models import Merchant

    merchant = Merchant.objects.create(name="北京金象大药房", uscc="91110000802100433B", address="东城区东四北大街1号",
                                       district=tree["dc"], contact_person="王", phone="010-65120001",
                                       category="health")
    case = pj_actions.propose(acting_user=people["district"], data={
        "name": "会员购药九折", "category": "health", "brand": "medical", "run_level": "district",
        "merchant": merchant.uscc, "offer": "持京卡购药九折", "subsidy": "12000.50"})
    return actions.perform(case, "comment", actor=people["district"], data={"comment": "已联系商户"}), "comment"


def _mutualaid_claim(people, tree):
    import datetime as dt
    from decimal import Decimal

    # A member with a card, enrolled in the accident and fire-loss plan (as the mutual-aid tests' `insured`).
    from django.utils import timezone

    from unionserve.cards.models import Card, CardStatus
    from unionserve.members.tests.factories import make_member
    from unionserve.mutualaid import claims_actions
    from unionserve.mutualaid.models import DOCUMENTS_BY_TYPE, Enrolment, Plan
    from unionserve.mutualaid.setup import setup

    setup()
    # The event yesterday, inside its plan year (whatever today's date), card and enrolment from the year's start.
    event = timezone.localdate() - dt.timedelta(days=1)
    member = make_member(tree["g1"], "王伟", phone="13912345671", joined_on=dt.date(2020, 1, 1))
    Card.objects.create(member=member, number="6200000000000001", status=CardStatus.ISSUED, applied_at_unit=tree["g1"],
                        valid_from=dt.date(event.year, 1, 1))
    Enrolment.objects.create(member=member, plan=Plan.objects.get(code="accident_fire"), year=event.year,
                             unit=tree["g1"], contribution=Decimal("80.00"), paid_on=dt.date(event.year, 1, 1),
                             in_social_insurance=True)
    case = claims_actions.collect_claim(acting_user=people["station"], member_id=member.pk, claim_type="disability",
                                        event_date=event, event_summary="骑车摔伤",
                                        documents=list(DOCUMENTS_BY_TYPE["disability"]), disability_grade=1)
    return actions.perform(case, "comment", actor=people["station"], data={"comment": "材料已收齐"}), "comment"


def _assistance(kind):
    def run(people, tree):
        from decimal import Decimal

        from unionserve.assistance import actions as as_actions
        from unionserve.members.tests.factories import make_member

        member = make_member(tree["g1"], "王芳", phone="13912345678")
        if kind == "hardship":
            record = as_actions.apply_hardship(
                member=member, level="hardship", cause="illness", monthly_income=Decimal("2100"),
                monthly_spending=Decimal("3500"), story="丈夫重病住院，孩子上学。", acting_user=people["station"],
                household=[{"name": "王芳", "relation": "本人", "age": 40, "income": "2100"}])
        else:
            record = as_actions.apply_emergency(member=member, what_happened="家中失火", amount_asked=Decimal("3000"),
                                                acting_user=people["station"])
        case = record.case
        return actions.perform(case, "submit", actor=people["station"], version=case.version), "submit"
    return run


def _stationaccept(people, tree):
    case = actions.open_case("stationaccept", actor=people["station"], title="东华门站规范化验收")
    return actions.perform(case, "apply", actor=people["station"], version=case.version), "apply"


DRIVERS = {
    "workorder": _workorder, "consultation": _hotline("consultation"), "affair": _hotline("affair"),
    "mediation": _mediation, "legalaid": _legalaid, "legalaid_up": _legalaid_up, "samplecheck": _samplecheck,
    "service_project": _project, "mutualaid_claim": _mutualaid_claim, "assistance_hardship": _assistance("hardship"),
    "assistance_emergency": _assistance("emergency"), "stationaccept": _stationaccept,
}


@pytest.fixture
def people(users, tree, make_user):
    return {**users, "agent": make_user(tree["city"], Role.HOTLINE_AGENT, username="agent")}


def test_every_registered_process_is_driven_here():
    assert set(DRIVERS) == {d.code for d in registry.all()}, "add the new process to DRIVERS"


@pytest.mark.parametrize("process", sorted(DRIVERS))
def test_every_case_action_writes_an_audit_row(people, tree, process):
    case, action = DRIVERS[process](people, tree)
    case = Case.objects.get(pk=case.pk)
    assert case.process == process
    rows = list(AuditEvent.objects.filter(action=AuditAction.CASE_ACTION, object_type="workflow.case",
                                          object_id=str(case.pk)).order_by("id"))
    assert [r.detail["action"] for r in rows][:1] == ["opened"] and action in [r.detail["action"] for r in rows]
    for row in rows:
        # Who (and at which unit), which case, which action, from and to which state.
        assert row.actor is not None and row.actor_username and row.unit == row.actor.org_unit
        assert row.detail["case"] == case.number and row.detail["process"] == process
        assert {"from", "to"} <= set(row.detail)
    # One row per action on the timeline (entries an area adds through workflow.timeline are its own records).
    definition = case.definition
    engine_codes = {"opened", *GENERIC_OPERATIONS, *(t.code for t in definition.transitions)}
    timeline = [e.action for e in case.events.exclude(actor=None) if e.action in engine_codes]
    assert sorted(timeline) == sorted(r.detail["action"] for r in rows)


def test_a_refused_action_leaves_no_audit_row(people, tree):
    from unionserve.workflow.errors import ActionRefused

    case = actions.open_case("workorder", actor=people["city"], title="核查", data={"category": "other",
                                                                                  "instructions": "x"})
    before = AuditEvent.objects.filter(action=AuditAction.CASE_ACTION).count()
    with pytest.raises(ActionRefused):
        actions.perform(case, "dispatch", actor=people["city"], data={"units": "NOPE"})
    assert AuditEvent.objects.filter(action=AuditAction.CASE_ACTION).count() == before
    assert Case.objects.get(pk=case.pk).version == case.version  # and the caller's object is as it was
