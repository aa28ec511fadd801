"""The sample-check process (抽检), seed 000 §四.2(2): 根据抽检信息的质量提示二级、三级工作平台核查相关信息.

A run (actions.create_run) opens one case per checked unit at the run creator's unit and dispatches it to
the station or grassroots union; the unit verifies each sampled member (the check page) and feeds back; the
dispatching office reviews and closes, or sends it back for another check. The checking deadline is the
policy parameter ``dataquality.check_days`` (policies.py) in the version in force when each checking step opens
(the dispatch, a recheck, a re-dispatch after a return); the review deadline is ``dataquality.review_days``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core.roles import Role
from unionserve.workflow.definitions import DISPATCH, Deadline, Opening, ProcessDefinition, Reopen, State, Transition
from unionserve.workflow.registry import register

from . import policies
from .models import CODE

__all__ = ["CODE", "PROCESS"]

#: Those who hold MANAGE_SAMPLE_CHECKS (core/roles.py) and open and review checks.
OFFICES = frozenset({Role.CITY_OFFICE, Role.CENTER_STAFF, Role.SYSTEM_ADMIN})
#: Those who verify the members of a station or grassroots union.
CHECKERS = frozenset({Role.SOCIAL_WORKER, Role.GRASSROOTS_OFFICER})


def _all_items_recorded(case, data) -> str | None:
    from .models import SampleCheckItem

    if SampleCheckItem.objects.filter(unit_check__case=case, result="").exists():
        return str(_("Record a result for every sampled member before feeding back."))
    return None


def _close_run_when_done(case, data, actor) -> None:
    from .actions import close_run_when_done

    close_run_when_done(case)


PROCESS = register(ProcessDefinition(
    code=CODE,
    label=_("Sample check"),
    prefix="CJ",
    description=_("A sample of members of each station or grassroots union is verified there within the "
                  "policy's deadline, fed back, reviewed and closed by the unit that ran the check."),
    opening=Opening(OFFICES, frozenset({1, 2})),
    initial="new",
    states=(
        State("new", _("To dispatch"), Deadline.same_day()),
        State("checking", _("Checking"), Deadline.working_days(policies.CHECK_DAYS, "抽检核查时限（数据质量政策）")),
        State("review", _("Review of the check"), Deadline.working_days(policies.REVIEW_DAYS)),
        State("closed", pgettext_lazy("case", "Closed"), final=True),
    ),
    transitions=(
        Transition("dispatch", _("Dispatch"), ("new",), "checking", OFFICES, frozenset({1, 2}), kind=DISPATCH,
                   target_levels=frozenset({3})),
        Transition("feedback", _("Feed back the check (回单)"), ("checking",), "review", CHECKERS, frozenset({3}),
                   guard=_all_items_recorded),
        Transition("recheck", _("Send back for another check"), ("review",), "checking", OFFICES, frozenset({1, 2}),
                   kind=DISPATCH, target_levels=frozenset({3}), style="outline-primary"),
        Transition("close", _("Accept and close"), ("review",), "closed", OFFICES, frozenset({1, 2}),
                   effect=_close_run_when_done),
    ),
    returnable=frozenset({"checking"}),
    extendable=frozenset({"checking"}),
    reopen=Reopen(("closed",), "review", OFFICES, frozenset({1, 2})),
))
