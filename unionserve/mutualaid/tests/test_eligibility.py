import datetime as dt
from decimal import Decimal

import pytest

from unionserve.members.models import MemberStatus, SpecialGroup, SpecialGroupRecord
from unionserve.mutualaid import public
from unionserve.mutualaid.eligibility import EligibilityIndex

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))


def test_the_eight_plans_are_seeded_once(plans):
    from unionserve.mutualaid.setup import setup

    assert len(plans) == 8
    assert plans["medical"].name == "在职职工医疗互助保障计划"
    assert "0 added" in setup()


def test_eligible_needs_membership_card_enrolment_and_social_insurance(tree, insured):
    ok = insured(tree["g1"], "甲", card_from=dt.date(2026, 3, 1))
    assert public.is_eligible(ok.pk, "medical", dt.date(2026, 3, 1)) == (True, "")
    assert public.is_eligible(ok.pk, "medical", dt.date(2026, 2, 28)) == (False, "no_card")
    assert public.is_eligible(ok.pk, "medical", dt.date(2027, 3, 1)) == (False, "not_enrolled")
    assert public.is_eligible(ok.pk, "inpatient", dt.date(2026, 3, 1)) == (False, "not_enrolled")
    uninsured = insured(tree["g1"], "乙", social=False)
    assert public.is_eligible(uninsured.pk, "medical", dt.date(2026, 3, 1)) == (False, "no_social_insurance")
    left = insured(tree["g1"], "丙")
    left.status = MemberStatus.LEFT
    left.save(update_fields=["status"])
    assert public.is_eligible(left.pk, "medical", dt.date(2026, 3, 1)) == (False, "not_active")
    assert public.is_eligible(999999, "medical", dt.date(2026, 3, 1)) == (False, "unknown_member")
    index = EligibilityIndex([ok.pk, uninsured.pk, left.pk, 999999], "medical", [2026, 2027])
    assert index.reason(ok.pk, dt.date(2026, 3, 1)) == ""
    assert index.reason(ok.pk, dt.date(2026, 2, 28)) == "no_card"
    assert index.reason(uninsured.pk, dt.date(2026, 3, 1)) == "no_social_insurance"
    assert index.reason(left.pk, dt.date(2026, 3, 1)) == "not_active"
    assert index.reason(999999, dt.date(2026, 3, 1)) == "unknown_member"


def test_special_cap_follows_the_status_on_the_day(tree, insured):
    m = insured(tree["g1"], "劳模")
    SpecialGroupRecord.objects.create(member=m, group=SpecialGroup.MODEL_WORKER,
                                      since=dt.datetime(2026, 4, 1, 9, tzinfo=TZ),
                                      until=dt.datetime(2026, 9, 1, 9, tzinfo=TZ))
    assert not public.special_cap_applies(m.pk, dt.date(2026, 3, 31))
    assert public.special_cap_applies(m.pk, dt.date(2026, 4, 1))
    assert not public.special_cap_applies(m.pk, dt.date(2026, 9, 1))
    assert public.annual_cap(m.pk, dt.date(2026, 5, 1)).value == Decimal("103316")
    assert public.annual_cap(m.pk, dt.date(2026, 3, 1)).value == Decimal("100653")
