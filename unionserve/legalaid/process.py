"""The two legal-aid processes of seed 000 §四.6 (工会法律援助工作流程), on the workflow engine.

Down (下派案件流程, prefix FY): level 1 reviews the application within 5 days (5日: calendar days, the
Civil-Code count the engine's Deadline.days applies), accepts and dispatches to level 2 or refuses with
reasons; level 2 assigns a contracted firm; when the case ends the lawyer reports the case file to
level 2, which reports it to level 1 for review and archive.

Up (上报案件流程, prefix FYS): a station or a worker home (level 3) forwards within 2 days to the nearest
level-2 unit above it; level 2 reviews within 3 days and accepts
(then assigns a firm), refuses with reasons, or sends a major case to level 1, which reviews within 5
days; when the case ends the firm reports the case file straight to level 1 for review and archive
(§四.6 上报 (4): 向一级工作平台上报案卷、审核、存档).

The seed gives no number for assigning a firm ("及时"), for level 2 collecting the file or for level 1's
review of the file: the platform sets 3, 5 and 10 working days (docs/legalaid.md). While a lawyer acts on
the case (arbitration, court) the clock is stopped: how long a lawsuit takes is not the union's to set.
"""

from django.utils.translation import gettext_lazy as _

from unionserve.core.roles import LEVEL_1_STAFF, LEVEL_2_STAFF, LEVEL_3_STAFF, Role
from unionserve.core.vocab import DisputeType
from unionserve.workflow.definitions import (
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

from . import actions, policies
from .models import CaseResult

LEVEL1 = LEVEL_1_STAFF
LEVEL2 = LEVEL_2_STAFF
# Level 3 (三级工作平台): union service stations and worker homes (基层职工之家).
STATION = LEVEL_3_STAFF
# The lawyer reports the file; staff of the unit may record it for a lawyer without a login.
LAWYER_OR_L2 = frozenset({Role.LAWYER, Role.CENTER_STAFF})
LAWYER_OR_L1 = frozenset({Role.LAWYER, Role.CITY_OFFICE, Role.DEPARTMENT_STAFF})
ONE, TWO, THREE = frozenset({1}), frozenset({2}), frozenset({3})

OPENING_FIELDS = (
    Field("applicant_name", _("Applicant"), "text"),
    Field("applicant_phone", _("Applicant's mobile"), "text", required=False),
    Field("employer_name", _("Opposing employer"), "text"),
    Field("employer_uscc", _("Employer's Unified Social Credit Code"), "text", required=False),
    Field("dispute_type", _("Dispute"), "choice", choices=tuple(DisputeType.choices)),
    Field("matter", _("What aid is asked for"), "textarea"),
    # The day the application was received: the review periods count from it (自接到申请之日起), not from entry.
    Field("applied_on", _("Applied on"), "date", required=False),
)
#: How far back the receipt day may be when an application is entered late (a bound against typing errors).
RECEIPT_MAX_DAYS = 30
REASONS = Field("refusal_reasons", _("Reasons for refusal (one per line)"), "textarea",
                help=_("Each line becomes one numbered reason in the refusal decision."))
REPORT_FIELDS = (
    Field("result", _("Result"), "choice", choices=tuple(CaseResult.choices)),
    Field("result_summary", _("Summary of the case file"), "textarea"),
    Field("amount_recovered", _("Amount recovered (yuan)"), "text", required=False),
)
ASSIGN_FIELDS = (
    Field("contract", _("Law firm (contract)"), "text",
          help=_("Use the legal-aid assignment page: it shows capacity and conflict flags.")),
    Field("lawyer", _("Lawyer"), "text", required=False),
    Field("conflict_reason", _("Reason to assign despite the flags"), "textarea", required=False),
)

REVIEW_L1 = State("review_l1", _("Level-1 eligibility review"),
                  Deadline.days(policies.REVIEW_L1_DAYS, "一级平台接到申请（上报）后5日内审核"))
ASSIGN = State("assign_firm", _("Assign a contracted firm"),
               Deadline.working_days(policies.ASSIGN_FIRM_DAYS, "及时指派签约律所（本平台定3个工作日）"))
REPRESENTING = State("representing", _("Lawyer acting (clock stopped)"), paused=True)
ARCHIVE_REVIEW = State("archive_review", _("Level-1 review of the case file"),
                       Deadline.working_days(policies.ARCHIVE_REVIEW_DAYS, "一级平台审核案卷（本平台定10个工作日）"))
REFUSED = State("refused", _("Aid refused"), final=True)
ARCHIVED = State("archived", _("Archived"), final=True)

DOWN = register(ProcessDefinition(
    code="legalaid",
    label=_("Legal aid (applied at the city)"),
    prefix="FY",
    description=_("Seed 000 §4.6, down: level 1 reviews within 5 days, accepts and dispatches to level 2 or "
                  "refuses with reasons; level 2 assigns a contracted firm; the lawyer reports the case file "
                  "to level 2, which reports it to level 1 for review and archive."),
    opening=Opening(LEVEL1, ONE, fields=OPENING_FIELDS, effect=actions.create_aid_down, subject_field="applicant_name",
                    clock_from="applied_on", clock_from_max_days=RECEIPT_MAX_DAYS),
    initial="review_l1",
    states=(
        REVIEW_L1, ASSIGN, REPRESENTING,
        State("file_summary", _("Level 2 collects the case file"),
              Deadline.working_days(policies.FILE_SUMMARY_DAYS, "二级办理机构汇总案卷（本平台定5个工作日）")),
        ARCHIVE_REVIEW, REFUSED, ARCHIVED,
    ),
    transitions=(
        Transition("accept", _("Accept and dispatch to level 2"), ("review_l1",), "assign_firm", LEVEL1, ONE,
                   kind=DISPATCH, target_levels=TWO, guard=actions.guard_dispatch, effect=actions.on_accept),
        Transition("refuse", _("Refuse aid"), ("review_l1",), "refused", LEVEL1, ONE, fields=(REASONS,),
                   guard=actions.guard_not_eligible, effect=actions.on_refuse, style="outline-danger"),
        Transition("assign_firm", _("Assign the firm"), ("assign_firm",), "representing", LEVEL2, TWO,
                   next_unit=TO_SAME, fields=ASSIGN_FIELDS, guard=actions.guard_assignment,
                   effect=actions.on_assign, assignee_from=actions.lawyer_login, panel_only=True),
        # keep_assignee=False: collecting the file is the staff's work, not the lawyer's (who still reads the case).
        Transition("report_file", _("Report the case file"), ("representing",), "file_summary", LAWYER_OR_L2, TWO,
                   next_unit=TO_SAME, fields=REPORT_FIELDS, guard=actions.guard_report, effect=actions.on_report,
                   keep_assignee=False),
        Transition("report_up", _("Report the file to level 1"), ("file_summary",), "archive_review", LEVEL2, TWO,
                   next_unit=TO_DISPATCHER),
        Transition("archive", _("Review and archive"), ("archive_review",), "archived", LEVEL1, ONE,
                   effect=actions.on_archive),
    ),
    returnable=frozenset({"assign_firm"}),
    extendable=frozenset({"assign_firm"}),
))

UP = register(ProcessDefinition(
    code="legalaid_up",
    label=_("Legal aid (received at a station)"),
    prefix="FYS",
    description=_("Seed 000 §4.6, up: the station forwards within 2 days; level 2 reviews within 3 days and "
                  "accepts and assigns a firm, refuses with reasons, or sends a major case to level 1, which "
                  "reviews within 5 days; the firm reports the case file to level 1 for review and archive."),
    # 002 §二(二): applications are accepted at two levels, the city and the districts. One received at a level-2
    # center's own window starts at that center's review; one received at a station is forwarded to it first.
    opening=Opening(STATION | LEVEL2, frozenset({2, 3}), fields=OPENING_FIELDS, effect=actions.create_aid_up,
                    subject_field="applicant_name", clock_from="applied_on", clock_from_max_days=RECEIPT_MAX_DAYS,
                    initial_at=((2, "review_l2"),)),
    initial="forward",
    states=(
        State("forward", _("Station forwards to level 2"),
              Deadline.days(policies.FORWARD_DAYS, "三级平台自接到申请之日起2日内上报")),
        State("review_l2", _("Level-2 eligibility review"),
              Deadline.days(policies.REVIEW_L2_DAYS, "二级平台自接到上报申请之日起3日内审核")),
        REVIEW_L1, ASSIGN, REPRESENTING, ARCHIVE_REVIEW, REFUSED, ARCHIVED,
    ),
    transitions=(
        Transition("forward", _("Forward to level 2"), ("forward",), "review_l2", STATION, THREE,
                   next_unit=TO_UPPER_LEVEL),
        Transition("accept", _("Accept"), ("review_l2", "review_l1"), "assign_firm", LEVEL1 | LEVEL2,
                   frozenset({1, 2}), next_unit=TO_SAME, guard=actions.guard_eligible, effect=actions.on_accept),
        Transition("refuse", _("Refuse aid"), ("review_l2", "review_l1"), "refused", LEVEL1 | LEVEL2,
                   frozenset({1, 2}), fields=(REASONS,), guard=actions.guard_not_eligible,
                   effect=actions.on_refuse, style="outline-danger"),
        Transition("refer", _("Major or difficult: send to level 1"), ("review_l2",), "review_l1", LEVEL2, TWO,
                   next_unit=TO_UPPER_LEVEL, fields=(Field("why", _("Why it is major or difficult"), "textarea"),),
                   style="outline-primary"),
        Transition("assign_firm", _("Assign the firm"), ("assign_firm",), "representing", LEVEL1 | LEVEL2,
                   frozenset({1, 2}), next_unit=TO_SAME, fields=ASSIGN_FIELDS, guard=actions.guard_assignment,
                   effect=actions.on_assign, assignee_from=actions.lawyer_login, panel_only=True),
        Transition("report_file", _("Report the case file to level 1"), ("representing",), "archive_review",
                   LAWYER_OR_L2, TWO, next_unit=TO_UPPER_LEVEL, fields=REPORT_FIELDS, guard=actions.guard_report,
                   effect=actions.on_report),
        Transition("report_file_here", _("Report the case file"), ("representing",), "archive_review",
                   LAWYER_OR_L1, ONE, next_unit=TO_SAME, fields=REPORT_FIELDS, guard=actions.guard_report,
                   effect=actions.on_report, keep_assignee=False),
        Transition("archive", _("Review and archive"), ("archive_review",), "archived", LEVEL1, ONE,
                   effect=actions.on_archive),
    ),
))

PROCESSES = (DOWN.code, UP.code)
