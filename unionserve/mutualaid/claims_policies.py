"""Policy numbers of accident, death and fire-loss claims (seed 000 §四.8, 002 §二(七)).

The caps themselves (`mutualaid.accident_disability_max`, `mutualaid.death_benefit`, `mutualaid.fire_loss_max`)
belong to the plans (`policies.py`); here are the numbers only claims use: the share of the disability cap paid
for each disability grade, the payment deadline after the decision, and the platform's own periods for the steps
the seed leaves open.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from unionserve.policy import Kind, register

#: Disability grades 1 (the most severe) to 10, as in the national grading of injuries (GB/T 16180).
GRADES = tuple(range(1, 11))

#: 002 §二(七): 因非工伤意外导致伤残的会员可获得最高5000元保障金 — the seed gives the cap, not the grading; the
#: platform pays grade 1 the whole cap and each lower grade 10 points less (grade 10: 10%).
DISABILITY_SHARE = {
    grade: register(
        f"mutualaid.claims.disability_grade_{grade}", Kind.PERCENT,
        format_lazy(_("Share of the disability cap paid for disability grade {grade}"), grade=grade),
        "002 §二(七)（最高5000元；按伤残等级给付，比例平台设定）", 110 - 10 * grade, min_value=1)
    for grade in GRADES
}

#: 000 §四.8(3): 互助保险北京办事处……做出赔付决定，在10个工作日内将赔付金汇至职工京卡·互助服务卡账户.
PAY_DAYS = register(
    "mutualaid.claims.pay_days", Kind.WORKING_DAYS, _("Claim paid to the card within (after the decision)"),
    "000 §四.8(3)", 10)
#: 000 §四.8(1): 三级工作平台收集……上报二级工作平台 (no number: the platform sets 3 working days).
STATION_DAYS = register(
    "mutualaid.claims.station_days", Kind.WORKING_DAYS, _("Station sends a collected claim to the district within"),
    "000 §四.8(1)（原文未定时限，平台设定）", 3)
#: 000 §四.8(2): 二级工作平台的相关部门审核并签署意见后上报 (no number: the platform sets 5 working days).
DISTRICT_DAYS = register(
    "mutualaid.claims.district_days", Kind.WORKING_DAYS, _("District agency reviews and signs a claim within"),
    "000 §四.8(2)（原文未定时限，平台设定）", 5)
#: 000 §四.8(3): 对申报资料进行审核并做出赔付决定 (no number: the platform sets 10 working days).
DECIDE_DAYS = register(
    "mutualaid.claims.decide_days", Kind.WORKING_DAYS, _("Mutual-insurance office decides a claim within"),
    "000 §四.8(3)（原文未定时限，平台设定）", 10)

#: The plans' caps (registered by the plans, `policies.py`), by claim type.
DISABILITY_MAX = "mutualaid.accident_disability_max"
DEATH_BENEFIT = "mutualaid.death_benefit"
FIRE_LOSS_MAX = "mutualaid.fire_loss_max"
