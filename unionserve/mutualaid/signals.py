"""Receivers of other apps' signals."""

from __future__ import annotations


def on_payment_settled(sender, payment, **kwargs) -> None:
    """payouts' answer for a payment: a medical line's is marked paid or failed (others are not ours)."""
    from .actions import payment_settled

    payment_settled(payment)
