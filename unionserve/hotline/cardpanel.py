"""The Jingka card on a 12351 request's case page (seed 000 §四.3(2)-(3)): the caller's card(s) from the cards
app, the card problems linked to this request, a form to link one (the agent, or the unit handling it) and to
record what was done (the unit handling it). The forms post to the cards pages; 12351 keeps nothing of its own."""

from __future__ import annotations

from unionserve.cards import public as cards
from unionserve.core import roles

from .models import HotlineRequest
from .process import PROCESSES


def card_panel(case, user) -> dict | None:
    """Context of the "Jingka card" panel, or None (another process, no card to show, or no right to see cards)."""
    if case.process not in PROCESSES or not user.has_perm(roles.VIEW_CARDS):
        return None
    item = HotlineRequest.objects.filter(case=case).only("pk", "member_id").first()
    if item is None:
        return None
    member_cards = cards.cards_of_member(item.member_id, user=user) if item.member_id else []
    problems = cards.problems_for_case(case.number, user=user)
    if not member_cards and not problems:
        return None
    linked = {p.card_id for p in problems}
    return {"member_cards": member_cards, "card_problems": problems, "problem_kinds": cards.ProblemKind.choices,
            "may_report": user.has_perm(roles.REPORT_CARD_PROBLEMS) and case.closed_at is None,
            "may_resolve": user.has_perm(roles.MANAGE_CARDS),
            "unlinked_cards": [c for c in member_cards if c.pk not in linked]}
