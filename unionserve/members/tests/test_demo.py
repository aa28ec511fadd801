"""The demo register: valid data under every grassroots union, joint unions, deterministic and idempotent."""

from unionserve import pii
from unionserve.core.validators import validate_uscc
from unionserve.members import validators
from unionserve.members.demo import make_card, make_uscc, seed_demo_members
from unionserve.members.models import Employer, Member, MembershipHistory
from unionserve.orgs.models import OrgUnit
from unionserve.pii import crypto


def test_codes_are_valid():
    import random

    assert validate_uscc(make_uscc("110101", "x"))
    assert validators.validate_card(make_card(random.Random(1)))  # noqa: S311


def test_seed_is_idempotent_and_valid(tree):
    made = seed_demo_members(per_unit=4)
    # 3 grassroots unions × 4, plus 2 stations' joint unions × 2 employers × 5.
    assert made == 3 * 4 + 2 * 2 * 5
    assert seed_demo_members(per_unit=4) == 0
    assert Member.objects.count() == made
    assert MembershipHistory.objects.filter(until__isnull=True).count() == made
    joints = OrgUnit.objects.filter(name__endswith="联合工会")
    assert {u.region_parent_id for u in joints} == {tree["st1"].pk, tree["st3"].pk}
    for member in Member.objects.all():
        number = crypto.decrypt(member.id_encrypted)
        assert pii.parse_id_number(number).birth_date == member.birth_date
        assert crypto.lookup_hash(number) == member.id_hash
    for employer in Employer.objects.all():
        validate_uscc(employer.uscc)
    assert Employer.objects.filter(has_union=False, members__grassroots__in=joints).exists()
