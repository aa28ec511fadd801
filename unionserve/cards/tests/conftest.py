import pytest
from stdnum import luhn

from unionserve.core.roles import Role


def card_number(n: int) -> str:
    first = f"621888{n:012d}"
    return first + luhn.calc_check_digit(first)


@pytest.fixture
def people(users, tree, make_user):
    return {**users, "agent": make_user(tree["city"], Role.HOTLINE_AGENT, username="agent")}


@pytest.fixture
def members(tree):
    from unionserve.members.tests.factories import make_member

    return [make_member(tree["g1"], f"会员{i}", phone=f"1381234{i:04d}") for i in range(4)]


@pytest.fixture(autouse=True)
def english():
    """Messages checked in English in the action tests; the pages answer in the request's language."""
    from django.utils import translation

    with translation.override("en"):
        yield
