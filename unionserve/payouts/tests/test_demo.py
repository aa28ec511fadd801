"""The demo: a settled batch with one failed line carried over, payments waiting, one held; idempotent."""

from unionserve.core.roles import Role
from unionserve.members.tests.factories import make_member
from unionserve.payouts import actions
from unionserve.payouts.demo import seed_demo
from unionserve.payouts.models import BatchStatus, HoldReason, Payment, PaymentStatus, PayoutBatch


def test_demo_is_idempotent(tree, make_user):
    make_user(tree["dept"], Role.MUTUAL_INSURANCE, username="insurance")
    for i in range(8):
        make_member(tree["g1"] if i % 2 else tree["g3"], f"演示{i}", phone=f"1380000001{i}")
    assert "settled" in seed_demo()
    assert seed_demo() == "already there"
    batch = PayoutBatch.objects.get()
    assert batch.status == BatchStatus.SETTLED and actions.is_balanced(actions.reconcile(batch))
    assert Payment.objects.filter(status=PaymentStatus.PAID).count() == 4
    failed = Payment.objects.get(status=PaymentStatus.FAILED)
    assert failed.failure_reason == "账户状态异常" and failed.batch_id is None
    assert Payment.objects.filter(status=PaymentStatus.PENDING, hold=HoldReason.NO_CARD).count() == 1
    assert Payment.objects.filter(status=PaymentStatus.PENDING, hold="").count() == 2
