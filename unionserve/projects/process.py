"""The service-project lifecycle (seed 000 §四.4 京卡·互助服务卡项目开发流程, 002 §三(二)–(三), §四(三)) on the engine.

A functional department of the city or a district center proposes a project (category, brand, the level and
unit that run it, the merchant from the list, the offer and any subsidy) and inspects the merchant on site;
the inspection report goes with the submission to the three-level office (市总三级服务体系工作办公室), which
approves it or sends it back with reasons; the proposer signs the agreement with the merchant; the office
issues the contracted-merchant plaque (特约服务商户, numbered TY-<year>-<NNNNN>) and publishes the project in
the catalogue; the proposer starts it. Once a year the proposer sends it to the evaluation; the office records
the evaluation result (score, conclusion) and decides: renewed for a new agreement period, or exited (准入退出)
with reasons. The seed names no time limits: each is a policy number the platform sets (policies.py).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core.roles import Role
from unionserve.workflow.definitions import (
    TO_OWNER,
    TO_PARENT,
    TO_SAME,
    Deadline,
    Field,
    Opening,
    ProcessDefinition,
    State,
    Transition,
)
from unionserve.workflow.registry import register

from . import actions, policies
from .models import Brand, Category, Conclusion, RunLevel

PROPOSERS = frozenset({Role.DEPARTMENT_STAFF, Role.CENTER_STAFF})
OFFICE = frozenset({Role.CITY_OFFICE})
ONE, ONE_TWO = frozenset({1}), frozenset({1, 2})

OPENING_FIELDS = (
    Field("name", _("Project name"), "text"),
    Field("category", _("Category"), "choice", choices=tuple(Category.choices)),
    Field("brand", _("Brand project"), "choice", choices=tuple(Brand.choices)),
    Field("run_level", _("Run by"), "choice", choices=tuple(RunLevel.choices)),
    Field("run_unit", _("Running unit"), "unit", required=False,
          help=_("The district center or station that runs it; empty for a city-wide project or your own district.")),
    Field("merchant", _("Merchant (Unified Social Credit Code)"), "text",
          help=_("The merchant must be on the merchant list; the proposal page lets you pick it by name.")),
    Field("offer", _("Offer to members"), "textarea"),
    Field("subsidy", _("Yearly subsidy (yuan)"), "text", required=False),
)
REASONS = Field("reasons", _("Reasons (one per line)"), "textarea")
PERIOD = (
    Field("start", _("Agreement from"), "date"),
    Field("end", _("Agreement until"), "date"),
    Field("terms", _("Agreement terms"), "textarea"),
)

PROCESS = register(ProcessDefinition(
    code=actions.PROCESS,
    label=_("Service project"),
    prefix="XM",
    description=_("Seed 000 §4.4 and 002 §3, §4(3): proposal and on-site inspection, approval by the three-level "
                  "office or sent back, agreement, contracted-merchant plaque, publication, running, yearly "
                  "evaluation, renewal or exit."),
    opening=Opening(PROPOSERS, ONE_TWO, fields=OPENING_FIELDS, effect=actions.create_project, subject_field=""),
    initial="inspection",
    states=(
        State("inspection", _("On-site inspection of the merchant"),
              Deadline.working_days(policies.INSPECTION_DAYS, "实地考察并报送（平台设定20个工作日）")),
        State("review", _("Three-level office review"),
              Deadline.working_days(policies.REVIEW_DAYS, "三级办审批（平台设定10个工作日）")),
        State("revision", _("Sent back for correction"),
              Deadline.working_days(policies.REVISION_DAYS, "退回修改后重新报送（平台设定10个工作日）")),
        State("agreement", _("Agreement with the merchant"),
              Deadline.working_days(policies.AGREEMENT_DAYS, "签署合作协议（平台设定20个工作日）")),
        State("plaque", _("Plaque to issue"),
              Deadline.working_days(policies.PLAQUE_DAYS, "授予特约服务商户牌匾（平台设定5个工作日）")),
        State("publication", _("Publication in the catalogue"),
              Deadline.working_days(policies.PUBLISH_DAYS, "信息发布（平台设定5个工作日）")),
        State("published", _("Published, to start"),
              Deadline.working_days(policies.START_DAYS, "发布后开始实施（平台设定10个工作日）")),
        State("running", pgettext_lazy("service project state", "Running"), paused=True),
        State("evaluation", _("Yearly evaluation"),
              Deadline.working_days(policies.EVALUATION_DAYS, "年度评估（平台设定20个工作日）")),
        State("renewal", _("Renewal or exit decision"),
              Deadline.working_days(policies.RENEWAL_DAYS, "根据评估结果决定续约或退出（平台设定10个工作日）")),
        State("exited", pgettext_lazy("service project state", "Exited"), final=True),
    ),
    transitions=(
        Transition("submit", _("Submit with the inspection report"), ("inspection",), "review", PROPOSERS, ONE_TWO,
                   next_unit=TO_PARENT,
                   fields=(Field("inspected_on", _("Inspected on"), "date"),
                           Field("inspection_summary", _("Inspection report"), "textarea"),
                           Field("report", _("Inspection report (file)"), "file")),
                   guard=actions.guard_submit, effect=actions.on_submit),
        Transition("approve", _("Approve"), ("review",), "agreement", OFFICE, ONE, next_unit=TO_OWNER,
                   effect=actions.on_approve),
        Transition("send_back", _("Send back"), ("review",), "revision", OFFICE, ONE, next_unit=TO_OWNER,
                   fields=(REASONS,), effect=actions.on_send_back, style="outline-danger"),
        Transition("resubmit", _("Submit again"), ("revision",), "review", PROPOSERS, ONE_TWO, next_unit=TO_PARENT,
                   fields=(Field("changes", _("What was corrected"), "textarea"),
                           Field("offer", _("Offer to members"), "textarea", required=False),
                           Field("subsidy", _("Yearly subsidy (yuan)"), "text", required=False)),
                   effect=actions.on_resubmit),
        Transition("sign_agreement", _("Record the signed agreement"), ("agreement",), "plaque", PROPOSERS, ONE_TWO,
                   next_unit=TO_PARENT, fields=PERIOD, guard=actions.guard_period, effect=actions.on_agreement),
        Transition("issue_plaque", _("Issue the plaque"), ("plaque",), "publication", OFFICE, ONE, next_unit=TO_SAME,
                   effect=actions.on_plaque),
        Transition("publish", _("Publish in the catalogue"), ("publication",), "published", OFFICE, ONE,
                   next_unit=TO_OWNER, effect=actions.on_publish),
        Transition("start", _("Start running"), ("published",), "running", PROPOSERS, ONE_TWO, next_unit=TO_SAME,
                   effect=actions.on_start),
        Transition("send_to_evaluation", _("Send to the yearly evaluation"), ("running",), "evaluation", PROPOSERS,
                   ONE_TWO, next_unit=TO_PARENT),
        Transition("record_evaluation", _("Record the evaluation result"), ("evaluation",), "renewal", OFFICE, ONE,
                   next_unit=TO_SAME,
                   fields=(Field("year", _("Year evaluated"), "int", min_value=2000, max_value=2100),
                           Field("score", _("Score (0–100)"), "int", min_value=0, max_value=100),
                           Field("conclusion", _("Conclusion"), "choice", choices=tuple(Conclusion.choices)),
                           Field("remarks", _("Remarks"), "textarea", required=False)),
                   guard=actions.guard_evaluation, effect=actions.on_evaluation),
        Transition("renew", _("Renew for a new period"), ("renewal",), "running", OFFICE, ONE, next_unit=TO_OWNER,
                   fields=PERIOD, guard=actions.guard_period, effect=actions.on_renew),
        Transition("exit", _("Exit the project"), ("renewal",), "exited", OFFICE, ONE, fields=(REASONS,),
                   effect=actions.on_exit, style="outline-danger"),
    ),
))
