"""Payouts' public module: the one way any area pays a member's Jingka card.

- `request_payment(source_key=, purpose=, member_id=, amount=, reference=, sms_text=, user=)`: ask for a payment
  for one source (idempotent: the same key returns the payment already asked for; a different amount for the
  same key is refused). The payment waits for the office's next batch.
- `payment_for(source_key)`: the payment asked for this source, or None.
- `payment_settled` (signal): the bank's answer for a payment, for the area to mark its claim paid or failed.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import BatchStatus, Payment, PaymentStatus, PayoutBatch
from .signals import payment_settled

__all__ = ["BatchStatus", "Payment", "PaymentStatus", "PayoutBatch", "payment_for", "payment_settled",
           "request_payment"]


def payment_for(source_key: str) -> Payment | None:
    """The payment asked for this source, or None."""
    return Payment.objects.filter(source_key=source_key).first()


def request_payment(*, source_key: str, purpose: str, member_id: int, amount: Decimal, reference: str = "",
                    sms_text: str = "", user) -> Payment:
    """Ask for a payment to the member's card for one source; the same source is never paid twice."""
    if not isinstance(amount, Decimal) or amount <= 0:
        raise ValidationError(_("A payment needs an amount above zero."))
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
