"""The claims demo: one claim in every state, idempotent."""

import pytest

from unionserve.core.roles import Role
from unionserve.mutualaid.models import Claim

from .claims_fixtures import *  # noqa: F403  (the fixtures)

pytestmark = pytest.mark.django_db


def test_demo_claims_in_every_state(tree, make_user, office_unit, plans):
    from unionserve.members.tests.factories import make_member
    from unionserve.mutualaid.claims_demo import seed_demo_claims

    make_user(tree["st1"], Role.SOCIAL_WORKER, username="station")
    make_user(tree["dc"], Role.CENTER_STAFF, username="dongcheng")
    make_user(office_unit, Role.MUTUAL_INSURANCE, username="insurance")
    for i in range(8):
        make_member(tree["g1"] if i % 2 else tree["g2"], f"会员{i}")
    assert seed_demo_claims() == "claims: 7 in every state"
    states = sorted(Claim.objects.values_list("case__state", flat=True))
    assert states == sorted(["collected", "district_review", "city_decision", "refused", "pay", "paid", "pay"])
    overdue = Claim.objects.get(case__state="pay", case__steps__is_open=True, case__steps__overdue=True)
    assert overdue.amount is not None
    paid = Claim.objects.get(case__state="paid")
    assert paid.paid_on is not None and paid.policy_record
    assert seed_demo_claims() == "claims: already there"
    assert Claim.objects.count() == 7
