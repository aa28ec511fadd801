"""The demo seeder makes cases on both paths in several states, once."""

import pytest

from unionserve.core.roles import Role
from unionserve.legalaid.demo import seed_demo_legal_aid
from unionserve.legalaid.models import LawFirm, LegalAidCase
from unionserve.workflow.models import Case

pytestmark = pytest.mark.django_db


def test_demo_is_seeded_once_and_the_demo_lawyer_sees_only_their_cases(tree, make_user, documents):
    make_user(tree["city"], Role.CITY_OFFICE, username="cityoffice")
    make_user(tree["dc"], Role.CENTER_STAFF, username="dongcheng")
    make_user(tree["st1"], Role.SOCIAL_WORKER, username="station")
    lawyer = make_user(tree["city"], Role.LAWYER, username="lawyer")
    lawyer2 = make_user(tree["dc"], Role.LAWYER, username="lawyer2")
    assert seed_demo_legal_aid() == 10
    assert seed_demo_legal_aid() == 0
    assert LawFirm.objects.count() == 4 and LegalAidCase.objects.count() == 10
    states = set(Case.objects.values_list("state", flat=True))
    assert {"review_l1", "assign_firm", "representing", "refused", "archived", "forward", "review_l2",
            "archive_review"} <= states
    assert {c.state for c in Case.objects.visible_to(lawyer2)} == {"representing", "archived"}
    assert [c.state for c in Case.objects.visible_to(lawyer)] == ["representing"]
