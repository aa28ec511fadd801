"""The demo: cards in every state, a batch with a refusal, a lost card and its replacement; idempotent."""

from unionserve.cards.demo import seed_demo
from unionserve.cards.models import BankBatch, Card, CardStatus
from unionserve.core.roles import Role
from unionserve.members.tests.factories import make_member


def test_demo_cards_in_every_state(tree, make_user):
    make_user(tree["st1"], Role.SOCIAL_WORKER, username="station")
    make_user(tree["city"], Role.HOTLINE_AGENT, username="agent")
    from .conftest import card_number

    make_member(tree["g1"], "有卡会员", phone="13800000001", card_number=card_number(70))
    make_member(tree["g1"], "有卡会员二", phone="13800000003", card_number=card_number(72))
    left = make_member(tree["g1"], "离会会员", phone="13800000002", card_number=card_number(71))
    left.status = "left"
    left.save()
    for i in range(6):
        make_member(tree["g2"], f"新会员{i}", phone=f"1390000000{i}")
    line = seed_demo()
    assert "batch" in line
    states = set(Card.objects.values_list("status", flat=True))
    assert states >= {CardStatus.DELIVERED, CardStatus.CANCELLED, CardStatus.REFUSED, CardStatus.ISSUED,
                      CardStatus.REPLACED, CardStatus.IN_PRODUCTION, CardStatus.APPLIED}
    assert Card.objects.filter(replaces__isnull=False, status=CardStatus.IN_PRODUCTION).exists()
    assert BankBatch.objects.count() == 2 and BankBatch.objects.filter(results__refused=1).exists()
    count = Card.objects.count()
    assert seed_demo() == "cards already seeded" and Card.objects.count() == count
