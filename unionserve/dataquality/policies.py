"""Data quality's policy numbers (seed 000 §四.2; seed 003 for the collection level): thresholds and sample checks.

These replace the app's former QualityPolicy table (its rows were carried over as versions by the migration
``0003_thresholds_to_policy``). No seed gives most of them: project defaults the city office confirms.
"""

from django.utils.translation import gettext_lazy as _

from unionserve.policy import Kind, register

#: 000 §四.2(2): 单位信息合格率 — no seed gives a minimum: project default.
UNIT_PASS_MIN = register(
    "dataquality.unit_pass_min", Kind.PERCENT, _("Unit-information pass rate, minimum"),
    "000 §四.2(2)（原文未定比例，项目默认值）", "95")
#: 003: 已采集会员信息384万人，占全市会员总人数的98% — the collection level the city reached in 2012.
COLLECTION_MIN = register(
    "dataquality.collection_min", Kind.PERCENT, _("Member-information collection rate, minimum"),
    "000 §四.2(2)；003 会员信息采集98%", "98")
#: 000 §四.2(2): 会员信息准确率 — no seed gives a minimum: project default.
ACCURACY_MIN = register(
    "dataquality.accuracy_min", Kind.PERCENT, _("Member-information accuracy rate, minimum"),
    "000 §四.2(2)（原文未定比例，项目默认值）", "95")
#: 000 §四.2(2): 抽检 — sample size per unit, a day's work for one social worker: project default.
SAMPLE_SIZE = register(
    "dataquality.sample_size_per_unit", Kind.COUNT, _("Members sampled per unit"),
    "000 §四.2(2) 抽检（原文未定数量，项目默认值）", 20, min_value=1, max_value=500)
#: 000 §四.2(2): 提示二级、三级工作平台核查相关信息 — the checking deadline: project default.
CHECK_DAYS = register(
    "dataquality.check_days", Kind.WORKING_DAYS, _("Sample check: the unit verifies within"),
    "000 §四.2(2)（原文未定时限，项目默认值）", 5, max_value=60)
#: The office reviews the check it ran: project default.
REVIEW_DAYS = register(
    "dataquality.review_days", Kind.WORKING_DAYS, _("Sample check: the office reviews within"),
    "000 §四.2(2)（原文未定时限，项目默认值）", 2)
#: Accuracy counts the checks closed within this many days: project default.
ACCURACY_WINDOW_DAYS = register(
    "dataquality.accuracy_window_days", Kind.DAYS, _("Accuracy counts sample checks closed within"),
    "000 §四.2(2)（项目默认值）", 365, max_value=3660)
