"""Payouts' public module: the one way any area pays a member's Jingka card.

- `request_payment(source_key=, purpose=, member_id=, amount=, reference=, sms_text=, user=)`: ask for a payment
  for one source (idempotent: the same key returns the payment already asked for; a different amount for the
  same key is refused). The payment waits for the office's next batch.
- `payment_for(source_key)`: the payment asked for this source, or None.
- `build_batch`, `write_payout_file`, `apply_result`: the office's own steps (pages and API call the same), for an
  area that pays through the bank on its own page or in its demo; each checks the acting user's role.
- `payment_settled` (signal): the bank's answer for a payment, for the area to mark its claim paid or failed.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from unionserve.core.money import MAX_AMOUNT

from .actions import apply_result, build_batch, write_payout_file
from .models import BatchLine, BatchStatus, Payment, PaymentStatus, PayoutBatch
from .signals import payment_settled

__all__ = ["BatchLine", "BatchStatus", "Payment", "PaymentStatus", "PayoutBatch", "apply_result", "build_batch",
           "payment_for", "payment_settled", "request_payment", "write_payout_file"]

#: "<area>.<kind>": the area part names the served visit's service ("mutualaid", "assistance").
PAYMENT_PURPOSE_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def payment_for(source_key: str) -> Payment | None:
    """The payment asked for this source, or None."""
    return Payment.objects.filter(source_key=source_key).first()


def request_payment(*, source_key: str, purpose: str, member_id: int, amount: Decimal, reference: str = "",
                    sms_text: str = "", user) -> Payment:
    """Ask for a payment to the member's card for one source; the same source is never paid twice."""
    if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        raise ValidationError(_("A payment needs an amount above zero."))
    if amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(_("A payment's amount has at most two decimals and at most %(max)s yuan.")
                              % {"max": MAX_AMOUNT})
    if not source_key or len(source_key) > 120:
        raise ValidationError(_("A payment needs its source (at most 120 characters)."))
    if not PAYMENT_PURPOSE_RE.match(purpose or "") or len(purpose) > 40:
        raise ValidationError(_("A payment's purpose reads like “mutualaid.medical”."))
    existing = payment_for(source_key)
    if existing is not None:
        if existing.amount != amount or existing.member_id != member_id:
            raise ValidationError(_("This source was already asked to be paid with another amount or member."))
        return existing
    try:
        with transaction.atomic():
            return Payment.objects.create(source_key=source_key, purpose=purpose, member_id=member_id,
                                          amount=amount, reference=reference[:200], sms_text=sms_text[:300],
                                          requested_by=user)
    except IntegrityError:
        # Asked at the same moment by another process: the first one stands.
        return Payment.objects.get(source_key=source_key)
