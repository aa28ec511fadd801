"""Legal aid's policy numbers (seed 000 §四.6); the platform sets those the seed leaves open ("及时")."""

from django.utils.translation import gettext_lazy as _

from unionserve.policy import Kind, register

#: 000 §四.6 下派(1): 接到当事人申请后5日内审核; 上报(3): 一级工作平台……接到上报后，5日内审核.
REVIEW_L1_DAYS = register(
    "legalaid.review_l1_days", Kind.DAYS, _("Level 1 reviews eligibility within"), "000 §四.6 下派(1)、上报(3)", 5)
#: 000 §四.6 上报(1): 三级工作平台自接到申请之日起2日内及时上报.
FORWARD_DAYS = register(
    "legalaid.forward_days", Kind.DAYS, _("Station forwards an application to level 2 within"),
    "000 §四.6 上报(1)", 2)
#: 000 §四.6 上报(2): 二级工作平台办理机构自接到上报申请之日起3日内审核.
REVIEW_L2_DAYS = register(
    "legalaid.review_l2_days", Kind.DAYS, _("Level 2 reviews eligibility within"), "000 §四.6 上报(2)", 3)
#: 000 §四.6 下派(2), 上报(2): 指派签约律所承办 / 及时指派 (no number: the platform sets 3 working days).
ASSIGN_FIRM_DAYS = register(
    "legalaid.assign_firm_days", Kind.WORKING_DAYS, _("Level 2 assigns a contracted firm within"),
    "000 §四.6 下派(2)（及时，平台设定）", 3)
#: 000 §四.6 下派(3): 上报案卷至二级办理机构汇总 (no number: the platform sets 5 working days).
FILE_SUMMARY_DAYS = register(
    "legalaid.file_summary_days", Kind.WORKING_DAYS, _("Level 2 collects and reports the case file within"),
    "000 §四.6 下派(3)（原文未定时限，平台设定）", 5)
#: 000 §四.6 下派(4), 上报(4): 审核、存档 (no number: the platform sets 10 working days).
ARCHIVE_REVIEW_DAYS = register(
    "legalaid.archive_review_days", Kind.WORKING_DAYS, _("Level 1 reviews the case file within"),
    "000 §四.6 下派(4)、上报(4)（原文未定时限，平台设定）", 10)
