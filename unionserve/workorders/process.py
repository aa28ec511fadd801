"""The work-order process (工作派单), seed 000 §二: work is dispatched down the three levels with a
time limit, handled, fed back (回单), and reviewed by the dispatching office."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core.roles import Role
from unionserve.workflow.definitions import (
    DISPATCH,
    Deadline,
    Field,
    Opening,
    ProcessDefinition,
    Reopen,
    State,
    Transition,
)
from unionserve.workflow.registry import register

from . import policies
from .models import Category, WorkOrder

OFFICES = frozenset({Role.CITY_OFFICE, Role.DEPARTMENT_STAFF, Role.CENTER_STAFF, Role.SYSTEM_ADMIN})
HANDLERS = frozenset({Role.CENTER_STAFF, Role.SOCIAL_WORKER, Role.GRASSROOTS_OFFICER})


def create_order(case, data, actor):
    WorkOrder.objects.create(case=case, category=data["category"], instructions=data["instructions"])


def save_feedback(case, data, actor):
    order = case.work_order
    order.results[actor.org_unit.code] = {"unit": actor.org_unit.name, "result": data["result"]}
    order.save(update_fields=["results"])


PROCESS = register(ProcessDefinition(
    code="workorder",
    label=_("Work order"),
    prefix="GD",
    description=_("An office dispatches work down with a time limit; each unit handles it and feeds back; "
                  "the office reviews and closes it."),
    opening=Opening(OFFICES, frozenset({1, 2}), fields=(
        Field("category", _("Category"), "choice", choices=tuple(Category.choices)),
        Field("instructions", _("Instructions"), "textarea"),
    ), effect=create_order),
    initial="new",
    states=(
        State("new", _("To dispatch"), Deadline.working_days(policies.DISPATCH_DAYS)),
        State("handling", _("Handling"), Deadline.working_days(policies.HANDLE_DAYS, "派单时限")),
        State("review", _("Review of feedback"), Deadline.working_days(policies.REVIEW_DAYS)),
        State("closed", pgettext_lazy("case", "Closed"), final=True),
    ),
    transitions=(
        Transition("dispatch", _("Dispatch"), ("new",), "handling", OFFICES, frozenset({1, 2}), kind=DISPATCH,
                   target_levels=frozenset({2, 3}), filing=True),
        Transition("feedback", _("Feed back (回单)"), ("handling",), "review", HANDLERS, frozenset({2, 3}),
                   fields=(Field("result", _("What was done"), "textarea"),), effect=save_feedback),
        Transition("redispatch", _("Dispatch again"), ("review",), "handling", OFFICES, frozenset({1, 2}),
                   kind=DISPATCH, target_levels=frozenset({2, 3}), style="outline-primary"),
        Transition("close", _("Accept and close"), ("review",), "closed", OFFICES, frozenset({1, 2})),
    ),
    returnable=frozenset({"handling"}),
    extendable=frozenset({"handling"}),
    escalatable=frozenset({"handling"}),
    sign_required=frozenset({"handling"}),
    reopen=Reopen(("closed",), "review", OFFICES, frozenset({1, 2})),
))
