"""Work orders' policy numbers (seed 000 §二: work dispatched down the levels with a time limit)."""

from django.utils.translation import gettext_lazy as _

from unionserve.policy import Kind, register

# The seed asks for time limits but sets none for work orders: the platform's defaults, changeable.
DISPATCH_DAYS = register(
    "workorders.dispatch_days", Kind.WORKING_DAYS, _("Work order: the office dispatches within"),
    "000 §二（原文未定时限，平台设定）", 1)
HANDLE_DAYS = register(
    "workorders.handle_days", Kind.WORKING_DAYS, _("Work order: a unit handles and feeds back within"),
    "000 §二 派单时限（原文未定时限，平台设定）", 5)
REVIEW_DAYS = register(
    "workorders.review_days", Kind.WORKING_DAYS, _("Work order: the office reviews the feedback within"),
    "000 §二（原文未定时限，平台设定）", 2)
