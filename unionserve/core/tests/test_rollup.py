"""core.rollup against the plain definition: a leaf counts once in every unit on its region or industry path."""

import random

from unionserve.core import tree
from unionserve.core.rollup import roll_up


def _plain(leaves):
    totals = {}
    for region, industry, vector in leaves:
        units = set(tree.ancestor_ids(region or "")) | set(tree.ancestor_ids(industry or ""))
        for unit in units:
            acc = totals.setdefault(unit, [0] * len(vector))
            for i, value in enumerate(vector):
                acc[i] += value
    return totals


def test_roll_up_matches_the_plain_definition_on_both_lines():
    rng = random.Random(7)
    p = tree.child_path
    city = p(None, 1)
    districts = [p(city, pk) for pk in (2, 3)]
    stations = [p(d, 10 + i) for i, d in enumerate(districts * 2)]
    industry = p(city, 4)  # the city center heads both lines
    companies = [p(industry, pk) for pk in (5, 6)]
    leaves = []
    for pk in range(100, 160):
        region = p(rng.choice(stations), pk)
        on_industry = rng.random() < 0.6
        industry_path = p(rng.choice(companies), pk) if on_industry else None
        leaves.append((region, industry_path, [rng.randint(0, 9), rng.randint(0, 9)]))
    # Employers without a grassroots union: at a station and, maybe, a company union (no own unit).
    leaves += [(rng.choice(stations), rng.choice([*companies, None]), [1, 1]) for _ in range(10)]
    leaves.append((None, rng.choice(companies), [3, 0]))  # on the industry line only
    leaves.append((None, None, [99, 99]))  # not in the tree: nowhere
    assert roll_up(leaves) == _plain(leaves[:-1])
    # The city center is on both lines and counts every leaf once.
    assert roll_up(leaves)[1] == [sum(v[0] for *_, v in leaves[:-1]), sum(v[1] for *_, v in leaves[:-1])]
