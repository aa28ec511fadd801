"""The engine's own policy number: how long a dispatcher has to rule on a return or an extension request."""

from django.utils.translation import gettext_lazy as _

from unionserve.policy import Kind, register

#: No seed sets it (000 §四.1 asks for supervision, 督办): the platform gives the dispatcher 1 working day.
REVIEW_DAYS = register(
    "workflow.review_days", Kind.WORKING_DAYS, _("Dispatcher rules on a return or an extension request within"),
    "000 §四.1(3) 督办（原文未定时限，平台设定）", 1)
