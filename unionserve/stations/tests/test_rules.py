"""The rules of seed 001 at their limits: rooms by area, staffing by members, deputy, training hours."""

import datetime as dt
from decimal import Decimal

import pytest

from unionserve.stations import rules, stats
from unionserve.stations.models import CourseKind, Organizer, Post

from .conftest import add_members

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("area", "rooms"), [
    (49, []),
    (50, ["mediation_room"]),
    (99, ["mediation_room"]),
    (100, ["library", "mediation_room", "activity_room"]),
    (180, ["library", "mediation_room", "activity_room"]),
])
def test_required_rooms_by_area(area, rooms):
    assert rules.required_rooms(area) == rooms


def test_area_below_minimum_is_a_problem():
    from unionserve.stations.models import StationProfile

    profile = StationProfile(area_m2=49)
    problems = rules.premises_problems(profile, staff=0)
    assert any("49" in str(p) for p in problems)
    profile.area_m2 = 50
    assert not any("49" in str(p) or "50 m²" in str(p) for p in rules.premises_problems(profile, staff=0))


@pytest.mark.parametrize(("members", "n_workers", "deputy", "short", "ok"), [
    (1999, 3, False, 0, True),
    (1999, 2, False, 1, False),
    (1999, 4, True, 0, False),  # a deputy needs at least 5 social workers
    (2000, 3, False, 2, False),
    (2000, 4, False, 1, False),
    (2000, 5, False, 0, True),
    (2000, 5, True, 0, True),
    (1999, 5, True, 0, True),
])
def test_staffing_at_the_threshold(members, n_workers, deputy, short, ok):
    posts = [Post.HEAD] + [Post.DEPUTY if deputy and i == 0 else Post.WORKER for i in range(n_workers)]
    result = rules.staffing(members, posts)
    assert result.required == (5 if members >= 2000 else 3)
    assert result.social_workers == n_workers  # the head is not counted
    assert result.short == short
    assert result.ok is ok
    assert result.deputy_allowed is (n_workers >= 5)


def test_members_counted_from_the_register_1999_and_2000(tree):
    add_members(tree["g1"], 1000)
    add_members(tree["g2"], 999)
    add_members(tree["g3"], 5)  # another station's area
    assert stats.member_counts([tree["st1"], tree["st3"]]) == {tree["st1"].pk: 1999, tree["st3"].pk: 5}
    from unionserve.members.public import count_active_members_under

    assert count_active_members_under(tree["st1"]) == 1999
    assert rules.required_social_workers(1999) == 3
    add_members(tree["g2"], 1, start=999)
    assert count_active_members_under(tree["st1"]) == 2000
    assert rules.required_social_workers(stats.member_counts([tree["st1"]])[tree["st1"].pk]) == 5


def _hours(**kw):
    keys = {"pre": (Organizer.CITY, CourseKind.PRE_JOB), "city": (Organizer.CITY, CourseKind.GENERAL),
            "head": (Organizer.CITY, CourseKind.HEAD), "district": (Organizer.DISTRICT, CourseKind.GENERAL)}
    return {keys[k]: Decimal(v) for k, v in kw.items()}


def test_new_hire_pre_job_hours_15_5_and_16():
    hired = dt.date(2026, 3, 1)
    short = rules.training_check(Post.WORKER, hired, 2026, _hours(pre="15.5", city="24", district="32"))
    assert [r[2] for r in short.rules] == [16]
    assert short.rules[0][1] == Decimal("15.5")
    assert rules.training_check(Post.WORKER, hired, 2026, _hours(pre="16", city="24", district="32")).ok
    # Hired in an earlier year: no pre-job rule.
    assert rules.training_check(Post.WORKER, dt.date(2020, 1, 1), 2026, _hours(city="24", district="32")).ok


def test_district_hours_31_and_32():
    hired = dt.date(2020, 1, 1)
    short = rules.training_check(Post.WORKER, hired, 2026, _hours(city="24", district="31"))
    assert [r[2] for r in short.rules] == [32]
    assert rules.training_check(Post.WORKER, hired, 2026, _hours(city="24", district="32")).ok


def test_city_hours_of_all_staff_and_of_the_head():
    hired = dt.date(2020, 1, 1)
    assert [r[2] for r in rules.training_check(Post.WORKER, hired, 2026,
                                               _hours(city="23.5", district="32")).rules] == [24]
    assert [r[2] for r in rules.training_check(Post.HEAD, hired, 2026, _hours(city="24", head="15.5")).rules] == [40]
    assert rules.training_check(Post.HEAD, hired, 2026, _hours(city="24", head="16")).ok


def test_due_day_first_working_day_after_national_day(settings):
    # 2026: 10月1日–7日 the National Day week; the first working day of October is Thursday the 8th.
    first = rules.nth_working_day(dt.date(2026, 10, 1), 1)
    assert first == dt.date(2026, 10, 8)
    from unionserve.workcalendar import service

    assert service.is_working_day(first)
    assert not any(service.is_working_day(dt.date(2026, 10, d)) for d in range(1, first.day))
