"""The rules of seed 001 for a station, as functions of the policy in force on a day.

Boundaries, as the seed's words are read here (以上 includes the number, 以下 excludes it, as the staffing
sentence needs to cover every count exactly once):

- premises (§二(一)1,3): at least ``stations.min_area_m2`` (50) m²; from 50 up to *below* ``stations.large_area_m2``
  (100) m² a mediation room; from 100 m² a library (职工书屋), a mediation room and an activity room;
- staffing (§二(二)1): fewer than ``stations.staff.members_threshold`` (2,000) active members in the area → at
  least 3 social workers; 2,000 or more → at least 5; the head (a vice-chair of the street union) is not counted;
- deputy (§二(三)1): a deputy head only at a station with at least ``stations.staff.deputy_min`` (5) social
  workers (the deputy is one of them);
- training (§二(二)3), per calendar year and person: a new hire (hired in the year) ≥ 16 h of the city's pre-job
  training; every social worker ≥ 24 h of the city's training; the head ≥ 40 h of the city's training; every
  social worker ≥ 32 h of the district's training.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from unionserve import policy
from unionserve.workcalendar import service as calendar

from . import policies
from .models import EQUIPMENT, POSTINGS, ROOMS, CourseKind, Organizer, Post


def _v(key: str, on: dt.date | None) -> int:
    return int(policy.value(key, on=on).value)


# --- premises -------------------------------------------------------------------------------------


def required_area(*, on: dt.date | None = None) -> int:
    """The minimum area of a station's premises (m²)."""
    return _v(policies.MIN_AREA, on)


def required_rooms(area_m2: int, *, on: dt.date | None = None) -> list[str]:
    """The rooms a station of this area must have (keys of ROOMS); none below the minimum area."""
    small, large = _v(policies.MIN_AREA, on), _v(policies.LARGE_AREA, on)
    if area_m2 >= large:
        return ["library", "mediation_room", "activity_room"]
    if area_m2 >= small:
        return ["mediation_room"]
    return []


def premises_problems(profile, *, staff: int, on: dt.date | None = None) -> list[str]:
    """What a profile lacks against §二(一), in words; empty when it meets every item."""
    out: list[str] = []
    minimum = _v(policies.MIN_AREA, on)
    if not profile.street_facing:
        out.append(_("Not street-facing."))
    if not profile.own_office:
        out.append(_("No office of its own."))
    if profile.area_m2 < minimum:
        out.append(_("Area %(area)s m² is below the minimum of %(min)s m².") % {"area": profile.area_m2,
                                                                            "min": minimum})
    if not profile.city_sign:
        out.append(_("The city's sign is missing."))
    for room in required_rooms(profile.area_m2, on=on):
        if room not in profile.rooms:
            out.append(_("Missing room: %(room)s.") % {"room": ROOMS[room]})
    for key, label in EQUIPMENT.items():
        if key not in profile.equipment:
            out.append(_("Missing equipment: %(item)s.") % {"item": label})
    if profile.pcs < staff:
        out.append(_("%(pcs)s networked PCs for %(staff)s people.") % {"pcs": profile.pcs, "staff": staff})
    for key, label in POSTINGS.items():
        if key not in profile.postings:
            out.append(_("Not on the wall: %(item)s.") % {"item": label})
    if not profile.outdoor_board:
        out.append(_("No outdoor board."))
    if not profile.video_link:
        out.append(_("No video link."))
    return out


# --- staffing -------------------------------------------------------------------------------------


@dataclass
class Staffing:
    members: int
    social_workers: int
    required: int
    has_head: bool
    deputies: int
    deputy_allowed: bool
    problems: list[str] = field(default_factory=list)

    @property
    def short(self) -> int:
        return max(0, self.required - self.social_workers)

    @property
    def ok(self) -> bool:
        return not self.problems


def required_social_workers(members: int, *, on: dt.date | None = None) -> int:
    """At least 3 social workers below the members threshold, at least 5 from it (§二(二)1)."""
    if members >= _v(policies.MEMBERS_THRESHOLD, on):
        return _v(policies.LARGE_STAFF, on)
    return _v(policies.SMALL_STAFF, on)


def staffing(members: int, posts: list[str], *, on: dt.date | None = None) -> Staffing:
    """Check a station's current people (their posts) against §二(二)1 and §二(三)1."""
    social = sum(1 for p in posts if p != Post.HEAD)
    deputies = sum(1 for p in posts if p == Post.DEPUTY)
    result = Staffing(members=members, social_workers=social, required=required_social_workers(members, on=on),
                      has_head=Post.HEAD in posts, deputies=deputies,
                      deputy_allowed=social >= _v(policies.DEPUTY_MIN_STAFF, on))
    if result.short:
        result.problems.append(_("%(n)s social workers for %(members)s members: %(short)s short of %(req)s.") % {
            "n": social, "members": members, "short": result.short, "req": result.required})
    if not result.has_head:
        result.problems.append(_("No station head."))
    if deputies and not result.deputy_allowed:
        result.problems.append(_("A deputy head is allowed only with at least %(n)s social workers.") % {
            "n": _v(policies.DEPUTY_MIN_STAFF, on)})
    if deputies > 1:
        result.problems.append(_("At most one deputy head."))
    return result


# --- training -------------------------------------------------------------------------------------


@dataclass
class TrainingCheck:
    city: Decimal
    pre_job: Decimal
    district: Decimal
    rules: list[tuple[str, Decimal, int]]  # (label, hours counted, hours required) that are not met

    @property
    def ok(self) -> bool:
        return not self.rules


def training_check(post: str, hired_on: dt.date, year: int, hours: dict[tuple[str, str], Decimal], *,
                   on: dt.date | None = None) -> TrainingCheck:
    """Check one person's hours of a year, ``hours`` being {(organizer, course kind): hours}."""
    zero = Decimal("0")
    pre_job = hours.get((Organizer.CITY, CourseKind.PRE_JOB), zero)
    city = sum((h for (org, _kind), h in hours.items() if org == Organizer.CITY), zero)
    district = sum((h for (org, _kind), h in hours.items() if org == Organizer.DISTRICT), zero)
    short: list[tuple[str, Decimal, int]] = []
    if post == Post.HEAD:
        need = _v(policies.TRAIN_HEAD, on)
        if city < need:
            short.append((_("City training of the head"), city, need))
    else:
        if hired_on.year == year:
            need = _v(policies.TRAIN_NEW_HIRE, on)
            if pre_job < need:
                short.append((_("City pre-job training"), pre_job, need))
        need = _v(policies.TRAIN_ALL, on)
        if city < need:
            short.append((_("City training of all staff"), city, need))
        need = _v(policies.TRAIN_DISTRICT, on)
        if district < need:
            short.append((_("District training"), district, need))
    return TrainingCheck(city=city, pre_job=pre_job, district=district, rules=short)


# --- the monthly report's due day -----------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def nth_working_day(month: dt.date, n: int) -> dt.date:
    """The n-th working day (1 = the first) of the month of `month`, on the working-day calendar."""
    day = month_start(month)
    if not calendar.is_working_day(day):
        day = calendar.next_working_day(day)
    for _i in range(n - 1):
        day = calendar.next_working_day(day)
    return day


def due_day(period: dt.date) -> tuple[dt.date, dict]:
    """The due day of the report of month `period` (the Nth working day of the next month) and the policy used."""
    following = next_month(month_start(period))
    used = policy.value(policies.REPORT_DUE_WORKING_DAY, on=following)
    return nth_working_day(following, int(used.value)), used.as_record()
