"""Labor-dispute mediation (劳动争议调解) on the workflow engine: both flows of seed 000 §四.5, word by word.

Down (下派案件流程): level 1 receives the application and, when it meets the conditions, decides acceptance
**the same day** (当天) and dispatches it to one level-2 body → the body appoints a mediator and, **within 7
days of receiving the dispatch** (自接收派单之日起7日内), replies online with a handling plan → concludes
**within 15 days** (15日内办结, counted from the same receipt) → agreement: 调解协议书, reported to level 1
for review and archive; failure: 调解终结书 telling the parties they may apply for arbitration.

Up (上报案件流程): level 3 receives and mediates (及时调解); a complex case is reported to level 2 **the same
day** (当日上报) → level 2 decides acceptance **within 3 days** of the report (接到上报后3日内) and mediates;
a major case goes to level 1, which appoints mediators.

日 are calendar days (Deadline.days); 当天/当日 end that day (Deadline.same_day). Where the seed gives no
number (level 3's and level 1's mediation, the up-path mediation at level 2), the 15 days of the Labor
Dispute Mediation and Arbitration Law art. 14 apply (收到调解申请之日起十五日内未达成调解协议的，当事人可以
依法申请仲裁); level 1's review has a platform default of 5 working days. docs/mediation.md lists them.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from unionserve.core.roles import LEVEL_1_STAFF, LEVEL_2_STAFF, LEVEL_3_STAFF, Role
from unionserve.core.vocab import DisputeType
from unionserve.visits.public import record_visit
from unionserve.workflow.definitions import (
    APPOINT,
    DISPATCH,
    TO_DISPATCHER,
    TO_SAME,
    TO_UPPER_LEVEL,
    Deadline,
    Field,
    Opening,
    ProcessDefinition,
    State,
    Transition,
)
from unionserve.workflow.registry import register

from . import actions, intake, paperwork, policies
from .models import MediationCase, Outcome
from .rules import InputError, parse_amount

L1, L2, L3 = LEVEL_1_STAFF, LEVEL_2_STAFF, LEVEL_3_STAFF
MEDIATOR = frozenset({Role.MEDIATOR})
LAW_15 = "劳动争议调解仲裁法第十四条：收到调解申请之日起15日内"


def _mc(case) -> MediationCase:
    return MediationCase.objects.select_for_update().get(case=case)


def _needs_mediator(case, data) -> str | None:
    if not MediationCase.objects.filter(case=case, mediator__isnull=False).exists():
        return _g("Appoint a mediator first (the mediation panel of this case).")
    return None


def _one_unit(case, data) -> str | None:
    units = [u for u in str(data.get("units") or "").replace("，", ",").split(",") if u.strip()]
    if len(units) != 1:
        return _g("Dispatch the case to exactly one level-2 body.")
    return None


def _agreement_guard(case, data) -> str | None:
    try:
        parse_amount(data.get("amount_recovered"), label=str(_("Money recovered (yuan)")))
    except InputError as exc:
        return str(exc)
    return _needs_mediator(case, data)


def _terminate_guard(case, data) -> str | None:
    return _agreement_guard(case, data)


# --- effects: the process's own data and documents, inside the engine's transaction -------------------


def _accepted(case, data, actor, *, next_steps: str) -> None:
    mc = _mc(case)
    mc.accepted_on = timezone.localdate()
    mc.save(update_fields=["accepted_on"])
    paperwork.acceptance_notice(mc, unit=actor.org_unit, actor=actor, next_steps=next_steps)


def _dispatch_note(unit_name: str) -> str:
    # The limits told to the parties are the process's own deadlines, so the notice and the engine never disagree.
    dispatched, mediating = PROCESS.state("dispatched").deadline, PROCESS.state("mediating").deadline
    assert dispatched is not None and mediating is not None  # both states have a deadline (PROCESS below)
    plan, conclude = dispatched.length()[0], mediating.length()[0]
    return f"本案已下派{unit_name}进行调解，承办机构将自接收派单之日起{plan}日内提出处理方案，{conclude}日内办结。"


def accept_and_dispatch(case, data, actor) -> None:
    unit_name = case.steps.filter(is_open=True).select_related("unit").first().unit.name
    _accepted(case, data, actor, next_steps=_dispatch_note(unit_name))


def redispatched(case, new_steps, actor) -> None:
    """A returned case went to another level-2 body (or was reassigned): the parties get a new acceptance
    notice naming it; the earlier one stays with the case as issued."""
    if case.state != "dispatched" or not new_steps:
        return
    mc = _mc(case)
    paperwork.acceptance_notice(mc, unit=actor.org_unit, actor=actor,
                                next_steps=_dispatch_note(new_steps[0].unit.name))


def accept_here(case, data, actor) -> None:
    _accepted(case, data, actor, next_steps="本机构将指定调解员及时进行调解。")


def save_plan(case, data, actor) -> None:
    mc = _mc(case)
    mc.plan = data["plan"]
    mc.plan_at = timezone.now()
    mc.save(update_fields=["plan", "plan_at"])


def _conclude(case, data, actor, outcome: str, text_field: str) -> MediationCase:
    mc = _mc(case)
    mc.outcome = outcome
    mc.outcome_text = data.get(text_field, "")
    mc.performance = data.get("performance", "") or ""
    mc.amount_recovered = parse_amount(data.get("amount_recovered"), label=str(_("Money recovered (yuan)")))
    mc.concluded_at = timezone.now()
    mc.version += 1
    mc.save(update_fields=["outcome", "outcome_text", "performance", "amount_recovered", "concluded_at", "version"])
    # A concluded case is a served visit of each worker who is a member (seed 002 §一 实名制服务职工人次).
    for member_id in mc.parties.exclude(member=None).values_list("member_id", flat=True):
        record_visit(member_id=member_id, day=timezone.localdate(), service="mediation", source=f"case:{case.number}")
    return mc


def agreed(case, data, actor) -> None:
    mc = _conclude(case, data, actor, Outcome.AGREED, "agreement_terms")
    paperwork.agreement(mc, actor=actor)


def terminated(case, data, actor) -> None:
    mc = _conclude(case, data, actor, Outcome.TERMINATED, "reason")
    paperwork.termination(mc, actor=actor)


def not_accepted(case, data, actor) -> None:
    mc = _mc(case)
    mc.outcome = Outcome.NOT_ACCEPTED
    mc.outcome_text = data.get("reason", "")
    mc.concluded_at = timezone.now()
    mc.save(update_fields=["outcome", "outcome_text", "concluded_at"])


AGREEMENT_FIELDS = (
    Field("agreement_terms", _("What the parties agreed"), "textarea"),
    Field("amount_recovered", _("Money recovered (yuan)"), "text", required=False,
          help=_("The amount the employer agreed to pay, e.g. 18000.00.")),
    Field("performance", _("How and by when it is performed"), "textarea", required=False),
)
TERMINATION_FIELDS = (
    Field("reason", _("Why mediation ended without agreement"), "textarea"),
    Field("amount_recovered", _("Money recovered (yuan)"), "text", required=False),
)

PROCESS = register(ProcessDefinition(
    code="mediation",
    label=_("Labor-dispute mediation"),
    prefix="TJ",
    description=_("A labor dispute is accepted and mediated at the right level: dispatched down from level 1, "
                  "or received at level 3 and reported up when complex; it ends with a mediation agreement "
                  "or a termination letter that tells the parties they may apply for arbitration."),
    opening=Opening(L1 | L2 | L3, frozenset({1, 2, 3}), fields=(
        Field("dispute_type", _("Kind of dispute"), "choice", choices=tuple(DisputeType.choices)),
        Field("summary", _("The dispute"), "textarea"),
        Field("workers", _("Workers (one per line)"), "textarea",
              help=_("A name per line; for a member, add a comma and the ID number to link the register.")),
        Field("employer_uscc", _("Employer's credit code (if in the register)"), "text", required=False),
        Field("employer_name", _("Employer (if not in the register)"), "text", required=False),
        Field("claims", _("Claims (one per line)"), "textarea", required=False,
              help=_("The claim, then a comma and the amount in yuan if it is about money.")),
    ), effect=intake.create_mediation),
    initial="received",
    states=(
        # seed 000 §四.5 下派(1): 当天做出受理决定; 上报(1): 复杂、疑难的案件，当日上报
        State("received", _("Acceptance decision"), Deadline.same_day("当天做出受理决定／当日上报")),
        # seed 000 §四.5 下派(2): 自接收派单之日起7日内，网上回复处理方案
        State("dispatched", _("Mediator and handling plan"),
              Deadline.days(policies.PLAN_DAYS, "自接收派单之日起7日内网上回复处理方案")),
        # seed 000 §四.5 下派(2): 15日内办结案件 (from the same receipt of the dispatch)
        State("mediating", _("Mediation (dispatched case)"),
              Deadline.days(policies.CONCLUDE_DAYS, "自接收派单之日起15日内办结", since="dispatched")),
        State("review", _("Review and archive at level 1"),
              Deadline.working_days(policies.REVIEW_DAYS, "平台设定：一级平台审核归档（原文未定时限）")),
        State("station_mediating", _("Mediation at level 3"), Deadline.days(policies.LAW_MEDIATION_DAYS, LAW_15)),
        # seed 000 §四.5 上报(2): 二级工作平台办理机构接到上报后3日内，决定是否受理
        State("reported", _("Acceptance decision at level 2"),
              Deadline.days(policies.REPORTED_ACCEPT_DAYS, "接到上报后3日内决定是否受理")),
        State("district_mediating", _("Mediation at level 2"), Deadline.days(policies.LAW_MEDIATION_DAYS, LAW_15)),
        State("city_mediating", _("Mediation at level 1 (major case)"),
              Deadline.days(policies.LAW_MEDIATION_DAYS, LAW_15)),
        State("archived", _("Agreement reviewed and archived"), final=True),
        State("agreed", _("Agreement reached"), final=True),
        State("terminated", _("Ended without agreement"), final=True),
        State("not_accepted", _("Not accepted"), final=True),
    ),
    transitions=(
        Transition("accept_dispatch", _("Accept and dispatch to level 2"), ("received",), "dispatched", L1,
                   frozenset({1}), kind=DISPATCH, target_levels=frozenset({2}), guard=_one_unit,
                   effect=accept_and_dispatch),
        Transition("accept_local", _("Accept and mediate here"), ("received",), "district_mediating", L2,
                   frozenset({2}), next_unit=TO_SAME, effect=accept_here),
        Transition("mediate_here", _("Accept and mediate here"), ("received",), "station_mediating", L3,
                   frozenset({3}), next_unit=TO_SAME, effect=accept_here),
        Transition("report_up", _("Complex case: report to level 2"), ("received", "station_mediating"),
                   "reported", L3 | MEDIATOR, frozenset({3}), next_unit=TO_UPPER_LEVEL,
                   fields=(Field("reason", _("Why it is complex"), "textarea"),), style="outline-primary"),
        Transition("not_accept", _("Do not accept"), ("received",), "not_accepted", L1 | L2 | L3,
                   frozenset({1, 2, 3}), fields=(Field("reason", _("Reason"), "textarea"),),
                   effect=not_accepted, style="outline-danger"),
        Transition("decide_accept", _("Accept the reported case"), ("reported",), "district_mediating", L2,
                   frozenset({2}), next_unit=TO_SAME, effect=accept_here),
        Transition("decline", _("Do not accept: back to level 3"), ("reported",), "station_mediating", L2,
                   frozenset({2}), next_unit=TO_DISPATCHER, fields=(Field("reason", _("Reason"), "textarea"),),
                   style="outline-danger"),
        Transition("report_major", _("Major case: report to level 1"), ("reported", "district_mediating"),
                   "city_mediating", L2 | MEDIATOR, frozenset({2}), next_unit=TO_UPPER_LEVEL,
                   fields=(Field("reason", _("Why it is major"), "textarea"),), style="outline-primary"),
        Transition("submit_plan", _("Reply with the handling plan"), ("dispatched",), "mediating", L2 | MEDIATOR,
                   frozenset({2}), next_unit=TO_SAME, fields=(Field("plan", _("Handling plan"), "textarea"),),
                   guard=_needs_mediator, effect=save_plan),
        Transition("agree_report", _("Agreement reached: report to level 1"), ("mediating",), "review",
                   L2 | MEDIATOR, frozenset({2}), next_unit=TO_DISPATCHER, fields=AGREEMENT_FIELDS,
                   guard=_agreement_guard, effect=agreed),
        Transition("agree", _("Agreement reached"), ("station_mediating", "district_mediating", "city_mediating"),
                   "agreed", L1 | L2 | L3 | MEDIATOR, frozenset({1, 2, 3}), fields=AGREEMENT_FIELDS,
                   guard=_agreement_guard, effect=agreed),
        Transition("terminate", _("No agreement: end mediation"),
                   ("mediating", "station_mediating", "district_mediating", "city_mediating"), "terminated",
                   L1 | L2 | L3 | MEDIATOR, frozenset({1, 2, 3}), fields=TERMINATION_FIELDS,
                   guard=_terminate_guard, effect=terminated, style="outline-danger"),
        Transition("archive", _("Review and archive"), ("review",), "archived", L1, frozenset({1})),
        # The unit holding the case appoints (or changes) its mediator; the case stays where it is, and the
        # mediator's login (if any) holds the step: the engine writes it, for the panel and the API alike.
        Transition("appoint_mediator", _("Appoint the mediator"), actions.APPOINTING_STATES, "", L1 | L2 | L3,
                   frozenset({1, 2, 3}), kind=APPOINT,
                   fields=(Field("mediator", _("Mediator (registry number)"), "text",
                                 help=_("Use the mediation panel of the case: it ranks the unit's mediators by "
                                        "specialty and load.")),),
                   guard=actions.guard_appointment, assignee_from=actions.mediator_login, effect=actions.on_appoint,
                   style="outline-primary", panel_only=True),
    ),
    returnable=frozenset({"dispatched"}),
    on_overdue="escalate",
    on_redispatch=redispatched,
))
