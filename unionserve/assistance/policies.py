"""Assistance's policy numbers (seed 002 §二(一), §二(九); seed 003 温暖基金); the platform sets those the seeds
leave open. Every amount or period a decision uses is read here with `policy.value(key, on=day)` and stored.
The skills boost's amounts are bounded to the seed's 1,000–2,000 yuan: a proposal outside it is refused.
"""

from django.utils.translation import gettext_lazy as _

from unionserve.policy import Kind, register

#: 002 §二(一): 对获得技师……职业资格证书……的会员，给予1000至2000元的助推资助 (the low end for a technician).
SKILLS_TECHNICIAN = register(
    "assistance.skills.technician", Kind.MONEY, _("Skills boost: technician certificate"),
    "002 §二(一)", 1000, min_value=1000, max_value=2000)
#: 002 §二(一): ……高级技师职业资格证书…… 1000至2000元 (the high end for a senior technician).
SKILLS_SENIOR = register(
    "assistance.skills.senior_technician", Kind.MONEY, _("Skills boost: senior-technician certificate"),
    "002 §二(一)", 2000, min_value=1000, max_value=2000)
#: 002 §二(一): 获得市级职业技能竞赛前10名的会员 (the platform pays the high end).
SKILLS_COMPETITION = register(
    "assistance.skills.competition_top10", Kind.MONEY, _("Skills boost: top 10 of a city skills competition"),
    "002 §二(一)（1000至2000元，平台定2000元）", 2000, min_value=1000, max_value=2000)
#: 002 §二(一): the place in a city competition that qualifies (前10名).
SKILLS_COMPETITION_PLACES = register(
    "assistance.skills.competition_places", Kind.COUNT, _("Skills boost: best place that qualifies"),
    "002 §二(一)", 10, min_value=1, max_value=100)
#: 002 §二(九) 困难帮扶: a hardship file is re-checked every year (原文未定期限，平台设定12个月).
HARDSHIP_VALID_MONTHS = register(
    "assistance.hardship.valid_months", Kind.COUNT, _("Hardship file: valid for (months) until the re-check"),
    "002 §二(九)（原文未定期限，平台设定）", 12, min_value=1, max_value=36)
#: 000 §一 接待职工来访，为职工提供困难帮扶和应急救助服务: the station submits the file (platform: 5 working days).
HARDSHIP_SUBMIT_DAYS = register(
    "assistance.hardship.submit_days", Kind.WORKING_DAYS, _("Hardship file: the station submits within"),
    "000 §一（原文未定时限，平台设定）", 5)
#: The district reviews a hardship file or an emergency application (platform: 10 working days).
REVIEW_DAYS = register(
    "assistance.review_days", Kind.WORKING_DAYS, _("Assistance: the district reviews within"),
    "002 §二(九)（原文未定时限，平台设定）", 10)
#: The city approves a hardship file or decides an emergency grant (platform: 10 working days).
APPROVE_DAYS = register(
    "assistance.approve_days", Kind.WORKING_DAYS, _("Assistance: the city decides within"),
    "002 §二(九)（原文未定时限，平台设定）", 10)
#: 002 §二(九) 临时应急救助: the most the city grants in one emergency (原文未定金额，平台设定5000元).
EMERGENCY_CAP = register(
    "assistance.emergency.cap", Kind.MONEY, _("Emergency aid: the most one grant may be"),
    "002 §二(九)（原文未定金额，平台设定）", 5000)
