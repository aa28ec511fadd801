"""Provisional holidays for a year whose official State Council schedule is not known yet.

The rule is the 全国年节及纪念日放假办法 as revised in 2024 (in force from 2025-01-01), holidays for
all citizens (第二条):

- 元旦 1 day (1 January);
- 春节 4 days: 除夕 to 正月初三 (除夕 is the last day of lunar month 12, the 29th or the 30th, so it is
  taken as the day before 正月初一 rather than as "lunar 12/30");
- 清明节 1 day (the day of the Qingming solar term);
- 劳动节 2 days (1–2 May);
- 端午节 1 day (lunar 5/5);
- 中秋节 1 day (lunar 8/15);
- 国庆节 3 days (1–3 October).

第六条 of the same rules: a holiday for all citizens that falls on a Saturday or Sunday is made up
(补假) on a working day. We apply it by giving each festival as many following weekdays off as it
had days on a weekend; every official schedule since 2025 contains those days (tests check this), so
the provisional calendar is closer to what the State Council will publish than weekends alone.
Adjusted working weekends (调休) cannot be predicted and are not invented.

Lunar dates come from ``lunardate`` (0.3.0), solar terms from ``chinese_calendar.get_solar_terms``.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

from chinese_calendar import get_solar_terms
from lunardate import LunarDate

#: Years the lunar and solar-term libraries can compute.
MIN_YEAR, MAX_YEAR = 1901, 2099

_ONE_DAY = datetime.timedelta(days=1)


def _qingming(year: int) -> datetime.date:
    """The day of the Qingming (清明) solar term, early April."""
    for day, name in get_solar_terms(datetime.date(year, 4, 1), datetime.date(year, 4, 30)):
        if name == "清明":
            return day
    raise ValueError(f"no Qingming solar term found in April {year}")  # cannot happen for 1900–2100


def _lunar(year: int, month: int, day: int) -> datetime.date:
    return LunarDate(year, month, day).to_solar_date()


def festivals(year: int) -> list[tuple[str, list[datetime.date]]]:
    """The statutory festivals of ``year`` as (name, days), in calendar order, before any 补假."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"the provisional calendar covers {MIN_YEAR}–{MAX_YEAR}, not {year}")
    new_year = _lunar(year, 1, 1)
    result = [
        ("元旦", [datetime.date(year, 1, 1)]),
        ("春节", [new_year + _ONE_DAY * i for i in range(-1, 3)]),  # 除夕 … 初三
        ("清明节", [_qingming(year)]),
        ("劳动节", [datetime.date(year, 5, 1), datetime.date(year, 5, 2)]),
        ("端午节", [_lunar(year, 5, 5)]),
        ("中秋节", [_lunar(year, 8, 15)]),
        ("国庆节", [datetime.date(year, 10, d) for d in (1, 2, 3)]),
    ]
    return sorted(result, key=lambda item: item[1][0])


@lru_cache(maxsize=64)
def provisional_holidays(year: int) -> dict[datetime.date, str]:
    """Days off of ``year`` under the statutory rules: {date: name}; make-up days are named "…（补假）".

    Pure function of the year, so cached for the life of the process. Make-up days that would spill
    into the next year are dropped (that year is computed on its own).
    """
    days: dict[datetime.date, str] = {}
    for name, festival_days in festivals(year):
        for day in festival_days:
            # When two festivals share a day (中秋 on 1–3 October) the earlier name is kept.
            days.setdefault(day, name)
    for name, festival_days in festivals(year):
        owed = sum(1 for day in festival_days if day.weekday() >= 5)
        day = max(festival_days)
        while owed:
            day += _ONE_DAY
            if day.weekday() < 5 and day not in days:
                if day.year == year:
                    days[day] = f"{name}（补假）"
                owed -= 1
    return dict(sorted(days.items()))
