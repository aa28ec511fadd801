"""Served visits' policy numbers: the served-visit rate's target per year (seed 002 §一).

002 §一: 2015年各区县、企事业工会实名制服务职工人次达到本区域已采集会员人数的20%，到2019年逐步提高至80%.
The seed sets 2015 and 2019; the steps between (逐步提高) are the office's: 35%, 50% and 65% are seeded as
office-set defaults the city office confirms or changes. A year after 2019 keeps 80% until a version says
otherwise. Each year is its own parameter, so a year's target never moves when another year's is changed.
"""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from unionserve.policy import Kind, register

FIRST_YEAR = 2015
LAST_YEAR = 2019

_TARGETS = {
    2015: ("002 §一 2015年达到已采集会员人数的20%", "20"),
    2016: ("002 §一 逐步提高（原文未定2016年比例，市总设定）", "35"),
    2017: ("002 §一 逐步提高（原文未定2017年比例，市总设定）", "50"),
    2018: ("002 §一 逐步提高（原文未定2018年比例，市总设定）", "65"),
    2019: ("002 §一 到2019年逐步提高至80%", "80"),
}

#: year -> policy key of that year's target (percent of collected members).
TARGET_KEYS: dict[int, str] = {
    year: register(f"visits.target_{year}", Kind.PERCENT,
                   format_lazy("{} {}", _("Served-visit rate target, year"), year), source, default)
    for year, (source, default) in _TARGETS.items()
}
