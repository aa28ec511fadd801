"""Payments to a member's Jingka card (京卡·互助服务卡).

An area asks for a payment (`public.request_payment`): one `Payment` per source (a claim line, a claim, a
program's grant), unique by `source_key`, so that asking twice, re-running a batch or restarting after a crash
pays nothing twice. The office gathers pending payments into a `PayoutBatch`, writes the bank's payout file,
reads the bank's result file back (paid, or failed with a reason and carried to the next batch) and the paid
members get their SMS.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core.money import money_field


class PaymentStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("payment status", "Waiting for a batch")
    IN_BATCH = "in_batch", pgettext_lazy("payment status", "In a batch sent to the bank")
    PAID = "paid", pgettext_lazy("payment status", "Paid to the card")
    FAILED = "failed", pgettext_lazy("payment status", "Failed at the bank")
    CANCELLED = "cancelled", pgettext_lazy("payment status", "Cancelled")


class BatchStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("payout batch", "Open")
    SENT = "sent", pgettext_lazy("payout batch", "Sent to the bank")
    SETTLED = "settled", pgettext_lazy("payout batch", "Settled")


class PayoutBatch(models.Model):
    """Payments sent to the bank together in one payout file."""

    scope_paths = ("org_unit__region_path", "org_unit__industry_path")

    number = models.CharField(_("number"), max_length=30, unique=True)
    purpose = models.CharField(_("purpose"), max_length=40)
    org_unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("paying unit"))
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.number


class Payment(models.Model):
    """One payment to one member's card, for one source; never made twice for the same source."""

    scope_paths = ("member__grassroots__region_path", "member__grassroots__industry_path")

    #: "<area>:<kind>:<id>", e.g. "mutualaid:line:123", "mutualaid:claim:45", "assistance:grant:7".
    source_key = models.CharField(_("source"), max_length=120, unique=True)
    purpose = models.CharField(_("purpose"), max_length=40)
    member = models.ForeignKey("members.Member", models.PROTECT, related_name="payments")
    amount = money_field(_("amount"))
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    #: The SMS sent once the bank has paid (seed 003's words for mutual aid).
    sms_text = models.CharField(_("SMS text"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PaymentStatus.choices,
                              default=PaymentStatus.PENDING)
    batch = models.ForeignKey(PayoutBatch, models.PROTECT, null=True, blank=True, related_name="payments")
    card_number = models.CharField(_("card number"), max_length=19, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "purpose"]), models.Index(fields=["member", "status"])]

    def __str__(self) -> str:
        return self.source_key
