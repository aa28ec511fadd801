"""Labor-dispute mediation's policy numbers (seed 000 §四.5; the mediation law where the seed is silent)."""

from django.utils.translation import gettext_lazy as _

from unionserve.policy import Kind, register

#: 000 §四.5 下派(2): 自接收派单之日起7日内，网上回复处理方案.
PLAN_DAYS = register(
    "mediation.plan_days", Kind.DAYS, _("Dispatched case: handling plan online within"), "000 §四.5 下派(2)", 7)
#: 000 §四.5 下派(2): ……15日内办结案件 (counted from the same receipt of the dispatch).
CONCLUDE_DAYS = register(
    "mediation.conclude_days", Kind.DAYS, _("Dispatched case: concluded within"), "000 §四.5 下派(2)", 15)
#: 000 §四.5 上报(2): 二级工作平台办理机构接到上报后3日内，决定是否受理.
REPORTED_ACCEPT_DAYS = register(
    "mediation.reported_accept_days", Kind.DAYS, _("Reported case: level 2 decides acceptance within"),
    "000 §四.5 上报(2)", 3)
#: No number in the seed for level 3's, level 2's (up path) and level 1's mediation: the Labor Dispute
#: Mediation and Arbitration Law art. 14 (收到调解申请之日起十五日内未达成调解协议的，当事人可以依法申请仲裁).
LAW_MEDIATION_DAYS = register(
    "mediation.law_mediation_days", Kind.DAYS, _("Mediation at a level the seed gives no limit for: within"),
    "劳动争议调解仲裁法第十四条（000 §四.5 上报未定时限）", 15)
#: 000 §四.5 下派(4): 统一上报一级工作平台进行审核、归档 (no number: the platform sets 5 working days).
REVIEW_DAYS = register(
    "mediation.review_days", Kind.WORKING_DAYS, _("Level 1 reviews and archives a successful case within"),
    "000 §四.5 下派(4)（原文未定时限，平台设定）", 5)
