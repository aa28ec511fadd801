"""Accident, death and home fire-loss claims on the workflow engine (seed 000 §四.8, prefix HZ).

(1) The station (三级工作平台, a social worker) collects the member's claim with the documents of its checklist and
sends it to the district's mutual-insurance agency (二级工作平台的互助保险代办处); (2) the district agency reviews it
and signs its opinion, then sends it to the city's mutual-insurance office (一级工作平台的互助保险北京办事处), or
sends it back for documents; (3) the office decides the amount within the caps of the plan version in force on
the event date (002 §二(七)), or refuses with reasons, and pays it to the member's Jingka card within 10 working
days of the decision (the "pay" step's deadline, overdue escalated by the engine's sweep); the bank's answer
moves the case to paid.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core.roles import Role
from unionserve.workflow.definitions import (
    TO_OWNER,
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

from . import claims_actions as actions
from . import claims_policies as policies
from .models import ClaimType, RefusalReason

STATION = frozenset({Role.SOCIAL_WORKER})
DISTRICT = frozenset({Role.CENTER_STAFF})
OFFICE = frozenset({Role.MUTUAL_INSURANCE})
ONE, TWO, THREE = frozenset({1}), frozenset({2}), frozenset({3})
GRADES = tuple((str(g), str(g)) for g in policies.GRADES)

OPENING_FIELDS = (
    # Given by the claim page, where the member is picked from the register (never typed as a number).
    Field("member", _("Member"), "text", help=_("Use the claim page: it picks the member from the register.")),
    Field("claim_type", _("Claim type"), "choice", choices=tuple(ClaimType.choices)),
    Field("event_date", _("Event date"), "date"),
    Field("event_summary", _("What happened"), "textarea"),
    Field("documents", _("Documents collected"), "text", required=False),
    Field("disability_grade", _("Disability grade"), "int", required=False, min_value=1, max_value=10),
    Field("assessed_loss", _("Assessed loss (yuan)"), "text", required=False),
    Field("attachments", _("Scanned documents"), "file", required=False),
)

PROCESS = register(ProcessDefinition(
    code=actions.PROCESS,
    label=_("Accident and fire-loss claim"),
    prefix="HZ",
    description=_("Seed 000 §4.8: the station collects the claim and sends it to the district agency, which "
                  "reviews and signs it and sends it to the city's mutual-insurance office; the office decides "
                  "within the caps of the plan in force on the event date, or refuses with reasons, and pays it to "
                  "the member's card within 10 working days of the decision."),
    opening=Opening(STATION, THREE, fields=OPENING_FIELDS, effect=actions.create_claim),
    initial="collected",
    states=(
        State("collected", pgettext_lazy("claim state", "Collected at the station"),
              Deadline.working_days(policies.STATION_DAYS, "三级平台收集理赔资料上报二级平台（平台定3个工作日）")),
        State("district_review", pgettext_lazy("claim state", "District agency reviews"),
              Deadline.working_days(policies.DISTRICT_DAYS, "二级工作平台审核并签署意见后上报（平台定5个工作日）")),
        State("city_decision", pgettext_lazy("claim state", "Mutual-insurance office decides"),
              Deadline.working_days(policies.DECIDE_DAYS, "互助保险北京办事处审核并做出赔付决定（平台定10个工作日）")),
        State("pay", pgettext_lazy("claim state", "Approved, awaiting payment"),
              Deadline.working_days(policies.PAY_DAYS, "做出赔付决定后10个工作日内将赔付金汇至职工京卡")),
        State("paid", pgettext_lazy("claim state", "Paid"), final=True),
        State("refused", pgettext_lazy("claim state", "Refused"), final=True),
    ),
    transitions=(
        Transition("submit", _("Send to the district agency"), ("collected",), "district_review", STATION, THREE,
                   next_unit=TO_UPPER_LEVEL, guard=actions.guard_complete),
        Transition("countersign", _("Review and sign, send to the city office"), ("district_review",), "city_decision",
                   DISTRICT, TWO, fields=(Field("opinion", _("Opinion of the district agency"), "textarea"),),
                   unit_from=actions.to_insurance_office, effect=actions.on_sign),
        Transition("send_back", _("Send back to the station for documents"), ("district_review",), "collected",
                   DISTRICT, TWO, next_unit=TO_OWNER,
                   fields=(Field("comment", _("What is missing"), "textarea"),), style="outline-secondary"),
        Transition("approve", _("Approve and pay"), ("city_decision",), "pay", OFFICE, ONE, next_unit=TO_SAME,
                   fields=(Field("amount", _("Amount paid (yuan)"), "text",
                                 help=_("Within the cap of the plan in force on the event date (shown above).")),),
                   guard=actions.guard_amount, effect=actions.on_approve),
        Transition("refuse", _("Refuse the claim"), ("city_decision",), "refused", OFFICE, ONE,
                   fields=(Field("reason", _("Main reason"), "choice", choices=tuple(RefusalReason.choices)),
                           Field("explanation", _("Reasons explained to the member"), "textarea")),
                   effect=actions.on_refuse, style="outline-danger"),
        # Taken when the bank's answer arrives (payouts' payment_settled), never by hand on the case page.
        Transition("record_paid", _("Paid to the card"), ("pay",), "paid", OFFICE, ONE, next_unit=TO_SAME,
                   guard=actions.guard_paid, effect=actions.on_paid, panel_only=True),
    ),
    on_overdue="escalate",
    # The steps are sent up, not dispatched: nothing to return, extend or hand up besides the process's own moves.
    # A note on the timeline is open to the city office too (the three-level office follows the claims).
    operation_roles={"return": frozenset(), "request_extension": frozenset(), "escalate": frozenset(),
                     "comment": STATION | DISTRICT | OFFICE | {Role.CITY_OFFICE}},
))
