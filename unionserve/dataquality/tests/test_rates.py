"""The three rates, their thresholds, the roll-up over both lines, policy versions and reminders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from unionserve.core.validators import validate_uscc
from unionserve.dataquality import actions, rates, rules
from unionserve.dataquality.models import QualitySnapshot, policy_in_force
from unionserve.members.models import Employer, MemberStatus
from unionserve.notifications.models import Notification

from .helpers import change_policy, employer, members, uscc

pytestmark = pytest.mark.django_db


def snap(unit, day=None) -> QualitySnapshot:
    return QualitySnapshot.objects.get(unit=unit, date=day or timezone.localdate())


def test_helper_makes_valid_codes():
    assert validate_uscc(uscc())


def test_seeded_policy_names_the_seed_default():
    policy = policy_in_force(dt.date(2026, 1, 1))
    assert policy.collection_min == Decimal("98.00") and "003" in policy.source
    assert policy.unit_pass_min == Decimal("95.00") and policy.accuracy_min == Decimal("95.00")


@pytest.mark.parametrize(
    ("active", "percent", "is_below"),
    [(979, Decimal("97.9"), True), (980, Decimal("98.0"), False), (981, Decimal("98.1"), False)],
)
def test_collection_rate_at_the_threshold(tree, active, percent, is_below):
    employer(tree["st1"], grassroots=tree["g1"], reported=1000)
    members(tree["g1"], active)
    members(tree["g1"], 30, status=MemberStatus.LEFT)  # not in the register any more: not counted
    actions.recompute_snapshots(remind=False)
    s = snap(tree["g1"])
    assert (s.members_collected, s.members_reported) == (active, 1000)
    assert rules.percent(s.members_collected, s.members_reported) == percent
    assert actions.below_thresholds(
        [s.employers, s.employers_passed, s.members_reported, s.members_collected, 0, 0, 0], s.policy
    ) == (["collection"] if is_below else [])


def test_collection_is_capped_per_grassroots_union(tree):
    employer(tree["st1"], grassroots=tree["g1"], reported=10)
    employer(tree["st1"], grassroots=tree["g2"], reported=10)
    members(tree["g1"], 15)  # 5 above reported: do not make up for g2's shortfall
    members(tree["g2"], 5)
    actions.recompute_snapshots(remind=False)
    assert (snap(tree["g1"]).members_collected, snap(tree["g1"]).members_over) == (10, 5)
    st1 = snap(tree["st1"])
    assert (st1.members_collected, st1.members_reported, st1.members_over) == (15, 20, 5)


@pytest.mark.parametrize(("passed", "is_below"), [(949, True), (950, False), (951, False)])
def test_unit_pass_and_accuracy_thresholds_are_exact(passed, is_below):
    assert rules.below(passed, 1000, Decimal("95")) is is_below
    assert rules.below(passed, 1000, Decimal("95.00")) is is_below
    assert rules.below(0, 0, Decimal("95")) is False  # nothing to judge
    assert rules.percent(9799, 10000) == Decimal("98.0")  # core.numbers: one decimal, half up
    assert rules.percent(9794, 10000) == Decimal("97.9")
    # The shown figure is what is judged: 97.95% shows as 98.0% and is not flagged below a 98% minimum.
    assert rules.below(9794, 10000, Decimal("98")) is True
    assert rules.below(9795, 10000, Decimal("98")) is False


def test_unit_pass_rate_checks_every_condition(tree):
    st = tree["st1"]
    employer(st, grassroots=tree["g1"], reported=5)  # passes
    employer(st)  # no union, no grassroots: passes
    employer(st, valid=False)  # bad phone
    employer(st, address="")
    employer(st, contact_name="")
    employer(st, uscc="91110101MA0000000O")  # wrong form: the letter O is never used
    employer(st, has_union=True)  # union without a grassroots union
    employer(st, grassroots=tree["g2"], reported=0)  # union, no members reported
    employer(st, grassroots=tree["g2"], has_union=False, reported=3)  # grassroots set but "no union"
    actions.recompute_snapshots(remind=False)
    s = snap(st)
    assert (s.employers_passed, s.employers) == (2, 9)


def test_roll_up_sums_numerators_over_both_lines_without_double_counting(tree):
    # g1: station 1 and the bus company; g2: station 1 only; g3: station 3 and the bus company.
    employer(tree["st1"], grassroots=tree["g1"], industry=tree["co"], reported=100)
    employer(tree["st1"], grassroots=tree["g2"], reported=10)
    employer(tree["st3"], grassroots=tree["g3"], industry=tree["co"], reported=1000)
    employer(tree["st3"], industry=tree["co"], valid=False)  # no union: at station 3 and the company
    members(tree["g1"], 50)
    members(tree["g2"], 10)
    members(tree["g3"], 990)
    actions.recompute_snapshots(remind=False)
    expect = {  # (collected, reported, passed, employers)
        "g1": (50, 100, 1, 1),
        "g2": (10, 10, 1, 1),
        "g3": (990, 1000, 1, 1),
        "st1": (60, 110, 2, 2),
        "dc": (60, 110, 2, 2),
        "st3": (990, 1000, 1, 2),
        "hd": (990, 1000, 1, 2),
        "co": (1040, 1100, 2, 3),
        "ind": (1040, 1100, 2, 3),
        "city": (1050, 1110, 3, 4),
    }
    for key, figures in expect.items():
        s = snap(tree[key])
        assert (s.members_collected, s.members_reported, s.employers_passed, s.employers) == figures, key
    # Pooled, not averaged: the company's 1040/1100 = 94.54%, while the mean of 50% and 99% would be 74.5%.
    assert rules.percent(1040, 1100) == Decimal("94.5")
    assert not QualitySnapshot.objects.filter(unit=tree["ind2"]).exists()


def test_roll_up_is_pure_and_needs_no_query_per_unit(tree, django_assert_max_num_queries):
    employer(tree["st1"], grassroots=tree["g1"], reported=3)
    members(tree["g1"], 3)
    policy = policy_in_force()
    with django_assert_max_num_queries(4):
        totals = rates.compute(timezone.localdate(), policy)
    assert totals[tree["city"].pk][rates.COLLECTED] == 3


def test_policy_versions_by_effective_date(tree, users):
    day = timezone.localdate()
    first = policy_in_force(day)
    change_policy(users["city"], users["admin"], day + dt.timedelta(days=10), unit_pass_min=Decimal("90"),
                  collection_min=Decimal("99"), accuracy_min=Decimal("90"), sample_size_per_unit=5,
                  check_deadline_working_days=3)
    later = policy_in_force(day + dt.timedelta(days=10))
    assert later != first and later.collection_min == Decimal("99.00") and later.version_of("collection_min") == 2
    assert policy_in_force(day + dt.timedelta(days=9)) == first
    assert policy_in_force(day + dt.timedelta(days=400)) == later
    employer(tree["st1"], grassroots=tree["g1"], reported=100)
    members(tree["g1"], 98)  # 98%: passes the first version, fails the later one
    actions.recompute_snapshots(day, remind=False)
    actions.recompute_snapshots(day + dt.timedelta(days=10), remind=False)
    assert snap(tree["g1"], day).policy == first
    assert snap(tree["g1"], day + dt.timedelta(days=10)).policy == later
    assert snap(tree["g1"], day).policy_versions["dataquality.collection_min"]["version"] == 1


def test_reminders_go_once_per_unit_and_day(tree, users):
    employer(tree["st1"], grassroots=tree["g1"], reported=100)
    members(tree["g1"], 90)  # 90% collected
    employer(tree["st3"], grassroots=tree["g3"], reported=10)
    members(tree["g3"], 10)  # fine
    first = actions.recompute_snapshots()
    again = actions.recompute_snapshots()
    station_user = users["station"]
    rows = Notification.objects.filter(event="broadcast", recipient_user=station_user)
    assert rows.count() == 1
    assert rows.get().dedupe_key == f"dataquality:{timezone.localdate().isoformat()}:{tree['st1'].pk}"
    assert first.reminded >= 1 and again.reminded == first.reminded
    # District 1 and the city's station 1 are below; station 3 is not reminded.
    assert not Notification.objects.filter(event="broadcast", recipient_user=users["station3"]).exists()
    assert Notification.objects.filter(event="broadcast", recipient_user=users["district"]).count() == 1
    # A new day reminds again.
    actions.recompute_snapshots(timezone.localdate() + dt.timedelta(days=1))
    assert rows.count() == 2


def _summed(contributions) -> dict[int, list[int]]:
    """The plain definition of a roll-up: each (units above, vector) adds its vector to every unit above."""
    expected: dict[int, list[int]] = {}
    for above, vector in contributions:
        for unit in above:
            acc = expected.setdefault(unit, [0] * len(vector))
            for k, value in enumerate(vector):
                acc[k] += value
    return expected


def _tree_units(p) -> list[tuple]:
    """(id, region path, industry path) of the roll-up tests' tree: city 1; districts 2, 3; stations 4, 5 (under
    2) and 6 (under 3); industry union 7 under the city and company union 8 under 7 (industry line)."""
    return [(1, p(1), p(1)), (2, p(1, 2), None), (3, p(1, 3), None), (4, p(1, 2, 4), None), (5, p(1, 2, 5), None),
            (6, p(1, 3, 6), None), (7, None, p(1, 7)), (8, None, p(1, 7, 8))]


def test_roll_up_counts_each_leaf_once_in_every_unit_above_it_on_either_line():
    """The roll-up equals the plain definition: a unit's total is the sum of the leaves below it on the
    region line or the industry line, each leaf once even when it is below the unit on both lines."""
    import random

    from unionserve.core import tree
    from unionserve.dataquality.rates import WIDTH, roll_up

    def p(*ids):
        return "".join(tree.segment(i) for i in ids)

    # city 1; districts 2, 3; stations 4, 5 (under 2), 6 (under 3); industry union 7 and company union 8
    # (under 1 on the industry line, 8 under 7); leaves 10.. under a station and some under 8 as well.
    units = _tree_units(p)
    rng = random.Random(5)
    leaves, vectors = [], {}
    for pk in range(10, 40):
        station = rng.choice([(4, 2), (5, 2), (6, 3)])
        region = p(1, station[1], station[0], pk)
        industry = p(1, 7, 8, pk) if rng.random() < 0.5 else None
        units.append((pk, region, industry))
        leaves.append((pk, region, industry))
        vectors[pk] = [rng.randint(0, 9) for _ in range(WIDTH)]
    loose = {(4, 8): [1] * WIDTH, (6, None): [2] * WIDTH}
    totals = roll_up(units, vectors, loose)
    paths = {pk: (r, i) for pk, r, i in units}
    contributions = [
        (set(tree.ancestor_ids(r)) | (set(tree.ancestor_ids(i)) if i else set()), vectors[pk]) for pk, r, i in leaves
    ]
    contributions += [
        (set(tree.ancestor_ids(paths[s][0])) | (set(tree.ancestor_ids(paths[c][1])) if c else set()), v)
        for (s, c), v in loose.items()
    ]
    assert totals == _summed(contributions)


@pytest.mark.parametrize(
    "value",
    [
        "13800138000",
        "19912345678",
        "12800138000",
        "1380013800",
        "138001380000",
        "1380013800a",
        "13800138000\n",
        " 13800138000",
        "",
        "1380013８000",
    ],
)
def test_mobile_glob_agrees_with_the_anchored_regex(value):
    import re

    # Python's "$" also matches before a final newline; PostgreSQL's and the GLOB's do not.
    expected = re.search(rules.MOBILE_REGEX, value) is not None and not value.endswith("\n")
    assert fnmatch_glob(rules.glob_of(rules.MOBILE_REGEX), value) is expected


@pytest.mark.parametrize(
    "value",
    [
        uscc(),
        "91110101MA0000000O",
        "91110101MA00000001",
        "9111010MA00000001",
        "911101011A000000011",
        "91110101ma00000001",
        "9111O101MA00000001",
        "91110101MA0000000Z",
        "911101010000000001",
    ],
)
def test_uscc_glob_agrees_with_the_anchored_regex(value):
    import re

    expected = re.search(rules.USCC_REGEX, value) is not None
    assert fnmatch_glob(rules.glob_of(rules.USCC_REGEX), value) is expected


def fnmatch_glob(pattern: str, value: str) -> bool:
    """SQLite's own GLOB, so the tests check what the database does, not a reimplementation."""
    import sqlite3

    with sqlite3.connect(":memory:") as con:
        return bool(con.execute("SELECT ? GLOB ?", (value, pattern)).fetchone()[0])


@pytest.mark.parametrize(
    "regex", ["1[3-9]\\d{9}", "^1[3-9]\\d{9}$", "^1[3-9][0-9]+$", "^(13|15)[0-9]{9}$", "^[^0-9]{2}$", "^1.[0-9]{9}$"]
)
def test_glob_of_refuses_what_a_glob_cannot_say(regex):
    with pytest.raises(ValueError, match="pattern"):
        rules.glob_of(regex)


def test_fixed_pattern_in_the_database_matches_the_regex(tree):
    import re

    phones = ["13800138000", "19912345678", "12800138000", "1380013800", "138001380000", "1380013800a", ""]
    rows = [employer(tree["st1"], contact_phone=phone) for phone in phones]
    rows.append(employer(tree["st1"], uscc="91110101MA0000000O"))
    got = set(
        Employer.objects.filter(
            rules.FixedPattern("contact_phone", rules.MOBILE_REGEX), rules.FixedPattern("uscc", rules.USCC_REGEX)
        ).values_list("pk", flat=True)
    )
    expected = {
        e.pk for e in rows if re.search(rules.MOBILE_REGEX, e.contact_phone) and re.search(rules.USCC_REGEX, e.uscc)
    }
    assert got == expected and len(expected) == 2

    class AsRegex(rules.FixedPattern):
        as_sqlite = rules.FixedPattern.as_sql  # the path PostgreSQL takes: Django's own __regex lookup

    query = Employer.objects.filter(AsRegex("contact_phone", rules.MOBILE_REGEX), AsRegex("uscc", rules.USCC_REGEX))
    operator = "REGEXP" if connection.vendor == "sqlite" else "~"  # Django's __regex on each backend
    assert operator in str(query.query) and set(query.values_list("pk", flat=True)) == expected


def test_members_are_counted_from_the_narrow_index_alone():
    """The one query that reads millions of rows must read only the (grassroots union, status) index."""
    from django.db import connection

    from unionserve.members.models import Member

    if connection.vendor != "sqlite":
        pytest.skip("the plan text is SQLite's")
    query = (
        Member.objects.filter(status=MemberStatus.ACTIVE).values_list("grassroots_id").annotate(n=Count("*")).order_by()
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(row[-1] for row in cursor.fetchall())
    assert "COVERING INDEX member_unit_status" in plan and "TEMP B-TREE" not in plan, plan


def test_roll_up_matches_the_plain_definition_on_a_deeper_tree_with_both_lines():
    """Like the test above, with leaves on one line only, a leaf that is an ancestor of another leaf, an
    industry line of several levels and employers without a grassroots union on either or both lines."""
    import random

    from unionserve.core import tree as paths_
    from unionserve.dataquality.rates import WIDTH, roll_up

    def p(*ids):
        return "".join(paths_.segment(i) for i in ids)

    rng = random.Random(11)
    # region: 1 > 2,3 > 4,5,6 (stations); industry: 1 > 7 > 8,9 (company unions) > 20 (a union with branches).
    units = [
        *_tree_units(p),
        (9, None, p(1, 7, 9)),
        (20, p(1, 2, 4, 20), p(1, 7, 8, 20)),
    ]
    vectors = {20: [rng.randint(0, 9) for _ in range(WIDTH)]}
    for pk in range(30, 90):
        station = rng.choice([(2, 4), (2, 5), (3, 6)])
        shape = rng.random()
        if shape < 0.2:  # a branch of union 20, on both lines under it
            region, industry = p(1, 2, 4, 20, pk), p(1, 7, 8, 20, pk)
        elif shape < 0.4:  # on the industry line only
            region, industry = None, p(1, 7, rng.choice([8, 9]), pk)
        else:
            region = p(1, station[0], station[1], pk)
            industry = p(1, 7, rng.choice([8, 9]), pk) if shape < 0.7 else None
        units.append((pk, region, industry))
        vectors[pk] = [rng.randint(0, 9) for _ in range(WIDTH)]
    vectors[999] = [1] * WIDTH  # not a unit of the tree: counted nowhere
    loose = {(4, 8): [1] * WIDTH, (6, None): [2] * WIDTH, (5, 9): [3] * WIDTH, (4, 20): [4] * WIDTH}
    totals = roll_up(units, vectors, loose)

    table = {pk: (r, i) for pk, r, i in units}

    def ids(path):
        return set(paths_.ancestor_ids(path)) if path else set()

    contributions = [(ids(table[pk][0]) | ids(table[pk][1]), v) for pk, v in vectors.items() if pk in table]
    contributions += [(ids(table[s][0]) | (ids(table[c][1]) if c else set()), v) for (s, c), v in loose.items()]
    assert totals == _summed(contributions)
    assert totals[20] == [
        a + b
        for a, b in zip(
            [
                sum(
                    v[k]
                    for pk, v in vectors.items()
                    if pk in table and table[pk][1] and table[pk][1].startswith(p(1, 7, 8, 20))
                )
                for k in range(WIDTH)
            ],
            [4] * WIDTH,
            strict=True,
        )
    ]


def test_stored_snapshots_are_the_computed_totals_and_read_back_through_the_orm(tree):
    employer(tree["st1"], grassroots=tree["g1"], reported=7)
    employer(tree["st3"], industry=tree["co"], valid=False)
    members(tree["g1"], 5)
    day = timezone.localdate()
    QualitySnapshot.objects.create(unit=tree["g2"], date=day, policy_versions=policy_in_force(day).as_record(),
                                   employers=99)  # replaced
    summary = actions.recompute_snapshots(day, remind=False)
    totals = rates.compute(day, policy_in_force(day))
    stored = {s.unit_id: [getattr(s, f) for f in rates.FIELDS] for s in QualitySnapshot.objects.filter(date=day)}
    assert stored == totals and summary.units == len(totals)
    first = QualitySnapshot.objects.filter(date=day).first()
    assert first.policy == policy_in_force(day) and timezone.is_aware(first.computed_at)
    assert abs((timezone.now() - first.computed_at).total_seconds()) < 60
    assert QualitySnapshot.objects.filter(date=day, computed_at__lte=timezone.now()).count() == len(totals)
