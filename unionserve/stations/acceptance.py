"""Scoring a station against the standardization checklist (001 §二(一)–(三)), from its profile, people and
training as recorded: the inspector sees the same items the station and the district see."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import rules, stats
from .models import CHECKLIST, EQUIPMENT, POSTINGS


def score_station(station, *, on: dt.date | None = None) -> tuple[dict, int]:
    """({item: {"ok", "points"}}, score in percent of the checklist's points) for `station` on `on`."""
    from .actions import profile_of

    on = on or timezone.localdate()
    profile = profile_of(station)
    status = stats.station_statuses(None, [station], year=on.year)[0]
    workers = stats.current_workers([station.pk], on).count()
    checks = {
        "street_facing": profile.street_facing,
        "own_office": profile.own_office,
        "area": profile.area_m2 >= rules.required_area(on=on),
        "city_sign": profile.city_sign,
        "equipment": set(EQUIPMENT) <= set(profile.equipment),
        "pcs": profile.pcs >= workers,
        "rooms": set(rules.required_rooms(profile.area_m2, on=on)) <= set(profile.rooms),
        "postings": set(POSTINGS) <= set(profile.postings),
        "outdoor_board": profile.outdoor_board,
        "video_link": profile.video_link,
        "staffing": status.staffing.short == 0,
        "training": status.training_short == 0,
        "head": status.staffing.has_head and (not status.staffing.deputies or status.staffing.deputy_allowed),
    }
    total = sum(points for _c, _l, points in CHECKLIST)
    got = sum(points for code, _l, points in CHECKLIST if checks[code])
    items = {code: {"ok": bool(checks[code]), "points": points if checks[code] else 0}
             for code, _l, points in CHECKLIST}
    return items, round(got * 100 / total)
