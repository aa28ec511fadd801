"""The 12351 platform's policy numbers (seed 000 §四.1, seed 004), registered with the policy app.

Where the seeds give no number the platform sets one; the source says so, and the city office may change it
like any other in the policy pages.
"""

from django.utils.translation import gettext_lazy as _

from unionserve.policy import Kind, register

#: 000 §四.1(2): 相关职能部门和二级、三级工作平台……在7个工作日内将处理结果反馈12351职工服务平台.
AFFAIR_HANDLE_DAYS = register(
    "hotline.affair.handle_days", Kind.WORKING_DAYS, _("Affair: handler feeds back within"),
    "000 §四.1(2)", 7)
#: 000 §四.1(3): 12351职工服务平台对职工诉求的处理情况进行督办回访 (no number: the platform sets 3).
AFFAIR_CALLBACK_DAYS = register(
    "hotline.affair.callback_days", Kind.WORKING_DAYS, _("Affair: platform calls back within"),
    "000 §四.1(3)（原文未定时限，平台设定）", 3)
#: 004: a question the agent cannot answer goes to a specialist (no number: the platform sets 3).
SPECIALIST_DAYS = register(
    "hotline.consultation.specialist_days", Kind.WORKING_DAYS, _("Consultation: specialist department answers within"),
    "004 专家答复（原文未定时限，平台设定）", 3)
#: 004: the caller is called back with the specialist's answer (no number: the platform sets 1).
CALLBACK_DAYS = register(
    "hotline.consultation.callback_days", Kind.WORKING_DAYS, _("Consultation: agent calls the caller back within"),
    "004 回拨职工（原文未定时限，平台设定）", 1)
