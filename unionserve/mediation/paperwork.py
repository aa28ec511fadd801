"""The documents of a mediation case (受理通知书, 调解协议书, 调解终结书), made through the documents app."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from unionserve.documents.public import ACCEPTANCE_NOTICE, MEDIATION_AGREEMENT, MEDIATION_TERMINATION, generate

from .models import MediationCase


def _parties(mc: MediationCase) -> dict:
    """Plain data about the parties and claims: names only (no ID numbers on the documents' common part)."""
    claims = list(mc.claims.all())
    amounts = [c.amount for c in claims if c.amount is not None]
    total = sum(amounts, Decimal("0")) if amounts else None
    return {
        "applicants": [{"name": p.name, "detail": ""} for p in mc.parties.all()],
        "employer": {"name": mc.employer_name, "detail": mc.employer.address if mc.employer_id else ""},
        "dispute": mc.summary,
        "claims": [{"item": c.item, "amount": c.amount} for c in claims],
        "claims_total": total,
        "mediator": mc.mediator.name if mc.mediator_id else "",
        "mediation_org": mc.mediator.unit.name if mc.mediator_id else (mc.case.current_unit.name
                                                                        if mc.case.current_unit_id else ""),
    }


def acceptance_notice(mc: MediationCase, *, unit, actor, next_steps: str = ""):
    """受理通知书 (kind "mediation") from the unit that accepted the case."""
    return generate(ACCEPTANCE_NOTICE, case=mc.case, user=actor, context={
        "kind": "mediation", "kind_label": "劳动争议调解",
        "applicants": [{"name": p.name, "detail": ""} for p in mc.parties.all()],
        "employer": {"name": mc.employer_name, "detail": ""},
        "matter": mc.get_dispute_type_display() if mc.dispute_type != "other" else mc.summary[:60],
        "applied_on": mc.applied_on, "accepted_on": mc.accepted_on or timezone.localdate(),
        "handling_unit": unit.name, "next_steps": next_steps,
    })


def agreement(mc: MediationCase, *, actor):
    """调解协议书 with what the parties agreed."""
    return generate(MEDIATION_AGREEMENT, case=mc.case, user=actor, context={
        **_parties(mc), "agreement_terms": mc.outcome_text, "amount_agreed": mc.amount_recovered,
        "performance": mc.performance,
    })


def termination(mc: MediationCase, *, actor):
    """调解终结书; the template tells the parties they may apply for labor-dispute arbitration."""
    return generate(MEDIATION_TERMINATION, case=mc.case, user=actor, context={
        **_parties(mc), "reason": mc.outcome_text,
    })
