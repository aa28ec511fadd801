"""Signals the paying areas listen to, so that payouts need not know them."""

from django.dispatch import Signal

#: Sent when the bank's result for a payment is read: ``payment`` (a Payment, status PAID or FAILED).
payment_settled = Signal()
