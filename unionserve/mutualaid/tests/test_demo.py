import pytest

from unionserve.core.roles import Role
from unionserve.mutualaid.demo import seed_demo
from unionserve.mutualaid.models import BatchState, Enrolment, ExpenseBatch, ExpenseLine, FileImport, LineState

pytestmark = pytest.mark.django_db


def test_demo_has_every_kind_of_line_once(tree, make_user):
    from unionserve.members.tests.factories import make_member

    make_user(tree["city"], Role.MUTUAL_INSURANCE, username="insurance")
    make_user(tree["city"], Role.CITY_OFFICE, username="cityoffice")
    make_user(tree["st1"], Role.SOCIAL_WORKER, username="station")
    for i in range(30):
        make_member(tree[("g1", "g2", "g3")[i % 3]], f"会员{i}")
    line = seed_demo()
    assert "Q1" in line and seed_demo().startswith("mutual aid: medical batch already there")
    # Paid through the payouts office's own steps: a batch, the bank's file and its answer.
    from unionserve.payouts.public import PayoutBatch

    assert PayoutBatch.objects.filter(purpose="mutualaid.medical", status="settled").count() == 1
    q1, q2 = ExpenseBatch.objects.order_by("quarter")
    assert q1.state == BatchState.APPROVED and q2.state == BatchState.FIRST_REVIEW
    reasons = set(ExpenseLine.objects.exclude(reason="").values_list("reason", flat=True))
    assert {"unknown_member", "duplicate", "not_enrolled", "already_paid"} <= reasons, reasons
    states = set(q1.expense_lines.values_list("state", flat=True))
    assert {LineState.PAID, LineState.REFUSED, LineState.REJECTED} <= states, states
    assert Enrolment.objects.exists()
    assert FileImport.objects.filter(error_count__gt=0, kind="enrolment").exists()
    assert FileImport.objects.filter(error_count__gt=0, kind="expenses").exists()
