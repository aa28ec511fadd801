"""A year of case history as plain rows (process, opened date, handling unit, status) until the workflow
engine defines cases: 12351 requests (118,000 a year) and mediation cases (51,000 a year) in proportion."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from . import tables
from .plan import CITY_CODE, DEPARTMENT_CODES, DEV_AREA_CODE, OrgPlan, rng_for

CaseRow = tuple[str, str, str, str, str]
OPEN_WINDOW_DAYS = 14  # cases opened in the last two weeks are mostly still open


def iter_case_rows(plan: OrgPlan, count: int) -> Iterator[CaseRow]:
    """``count`` cases over the year before the reference date, in opening order."""
    rng = rng_for(plan.seed, "cases")
    hotline_share = tables.HOTLINE_PER_YEAR / tables.CASES
    centers = [*plan.district_codes, DEV_AREA_CODE]
    stations = [s.code for s in plan.stations]
    grassroots = [g.grassroots_code for g in plan.grassroots] or stations
    ref = tables.REFERENCE_DATE
    # Weekdays carry more than weekends (the hotline is open 24/7, but most calls come on working days).
    day_weights = [1.0 if (ref - datetime.timedelta(days=d)).weekday() < 5 else 0.45 for d in range(365)]
    raw = []
    for _ in range(count):
        days_ago = rng.choices(range(365), weights=day_weights)[0]
        if rng.random() < hotline_share:
            process = "hotline_request"
            r = rng.random()
            if r < 0.40:  # consultations are answered and closed by the agent
                unit = CITY_CODE
            elif r < 0.55:
                unit = rng.choice(DEPARTMENT_CODES)
            elif r < 0.70:
                unit = rng.choice(centers)
            elif r < 0.92:
                unit = rng.choice(stations)
            else:
                unit = rng.choice(grassroots)
        else:
            process = "mediation"
            unit = rng.choice(centers) if rng.random() < 0.6 else rng.choice(stations)
        still_open = rng.random() < (0.6 if days_ago < OPEN_WINDOW_DAYS else 0.01)
        raw.append((days_ago, process, unit, "open" if still_open else "closed"))
    raw.sort(key=lambda c: -c[0])
    counters = {"hotline_request": 0, "mediation": 0}
    for days_ago, process, unit, status in raw:
        counters[process] += 1
        opened = ref - datetime.timedelta(days=days_ago)
        prefix = "RX" if process == "hotline_request" else "TJ"
        yield f"{prefix}{opened.year}{counters[process]:07d}", process, opened.isoformat(), unit, status
