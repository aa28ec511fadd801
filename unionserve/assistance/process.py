"""Assistance on the workflow engine (seed 000 §一 困难帮扶和应急救助; 002 §二(九)).

Hardship file (困难职工建档, prefix KN): the station collects the application (the household's sealed data is
entered on the assistance page) and submits it to its district; the district reviews and recommends it to the
city or rejects it; the city approves (the file is in force for the policy's months and the member joins the
register's hardship group) or rejects it.

Emergency aid (临时应急救助, prefix JJ): the same three levels; the city decides the amount within the policy's
cap, the grant is drawn from the warm fund (refused whole if the fund would go below zero) and paid to the
member's Jingka card.

The seeds give no time limits: the platform sets them (`assistance/policies.py`).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core.roles import LEVEL_2_STAFF, LEVEL_3_STAFF, Role
from unionserve.workflow.definitions import (
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

CITY = frozenset({Role.CITY_OFFICE})
DISTRICT = LEVEL_2_STAFF
STATION = LEVEL_3_STAFF
ONE, TWO, THREE = frozenset({1}), frozenset({2}), frozenset({3})
REASONS = Field("reasons", _("Reasons"), "textarea")
OPINION = Field("opinion", _("Review opinion"), "textarea")

SUBMIT = State("submit", _("Station submits to the district"),
               Deadline.working_days(policies.HARDSHIP_SUBMIT_DAYS, "服务站提交区级审核（平台设定）"))
DISTRICT_REVIEW = State("district_review", _("District review"),
                        Deadline.working_days(policies.REVIEW_DAYS, "区级审核（平台设定）"))
CITY_DECISION = State("city_decision", _("City decision"),
                      Deadline.working_days(policies.APPROVE_DAYS, "市级审批（平台设定）"))

HARDSHIP = register(ProcessDefinition(
    code=actions.HARDSHIP_PROCESS,
    label=_("Hardship file"),
    prefix="KN",
    description=_("Seed 000 §1, 002 §2(9): the station collects the application and submits it; the district "
                  "reviews and recommends it or rejects it; the city approves the file (in force until the "
                  "yearly re-check; the member joins the register's hardship group) or rejects it."),
    opening=Opening(STATION, THREE, effect=actions.on_hardship_opened),
    initial="submit",
    states=(
        SUBMIT, DISTRICT_REVIEW, CITY_DECISION,
        State("approved", _("File in force"), final=True),
        State("rejected", _("Application rejected"), final=True),
    ),
    transitions=(
        Transition("submit", _("Submit to the district"), ("submit",), "district_review", STATION, THREE,
                   next_unit=TO_UPPER_LEVEL),
        Transition("recommend", _("Recommend to the city"), ("district_review",), "city_decision", DISTRICT, TWO,
                   next_unit=TO_UPPER_LEVEL, fields=(OPINION,)),
        Transition("approve", _("Approve the file"), ("city_decision",), "approved", CITY, ONE,
                   effect=actions.on_hardship_approved),
        Transition("reject", _("Reject"), ("district_review", "city_decision"), "rejected", CITY | DISTRICT,
                   frozenset({1, 2}), fields=(REASONS,), effect=actions.on_hardship_rejected,
                   style="outline-danger"),
    ),
    returnable=frozenset({"district_review"}),
))

EMERGENCY = register(ProcessDefinition(
    code=actions.EMERGENCY_PROCESS,
    label=_("Emergency aid"),
    prefix="JJ",
    description=_("Seed 000 §1, 002 §2(9): the station applies; the district reviews and recommends or refuses; "
                  "the city decides the amount within the policy's cap; the grant is drawn from the warm fund and "
                  "paid to the member's Jingka card."),
    opening=Opening(STATION, THREE, effect=actions.on_emergency_opened),
    initial="submit",
    states=(
        SUBMIT, DISTRICT_REVIEW, CITY_DECISION,
        State("granted", _("Granted and paid"), final=True),
        State("refused", pgettext_lazy("emergency aid", "Refused"), final=True),
    ),
    transitions=(
        Transition("submit", _("Submit to the district"), ("submit",), "district_review", STATION, THREE,
                   next_unit=TO_UPPER_LEVEL),
        Transition("recommend", _("Recommend to the city"), ("district_review",), "city_decision", DISTRICT, TWO,
                   next_unit=TO_UPPER_LEVEL, fields=(OPINION,)),
        Transition("grant", _("Grant"), ("city_decision",), "granted", CITY, ONE,
                   fields=(Field("amount", _("Amount granted (yuan)"), "text",
                                 help=_("At most the policy's cap and the amount asked for.")),),
                   guard=actions.guard_emergency_grant, effect=actions.on_emergency_granted),
        Transition("refuse", _("Refuse"), ("district_review", "city_decision"), "refused", CITY | DISTRICT,
                   frozenset({1, 2}), fields=(REASONS,), effect=actions.on_emergency_refused,
                   style="outline-danger"),
    ),
    returnable=frozenset({"district_review"}),
))

PROCESSES = (HARDSHIP.code, EMERGENCY.code)
