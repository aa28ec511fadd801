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
from django.db.models import Q
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


class HoldReason(models.TextChoices):
    """Why a payment waits outside the batches (shown on the pending list)."""

    NONE = "", pgettext_lazy("payment hold", "—")
    NO_CARD = "no_card", pgettext_lazy("payment hold", "The member has no valid Jingka card")


class LineOutcome(models.TextChoices):
    SENT = "sent", pgettext_lazy("payout line", "Waiting for the bank")
    PAID = "paid", pgettext_lazy("payout line", "Paid")
    FAILED = "failed", pgettext_lazy("payout line", "Failed")


#: Totals of a batch may add up many payments of the largest amount: wider than one amount.
TOTAL_DIGITS = 20


def total_field(verbose_name, **kwargs) -> models.DecimalField:
    """A sum of amounts (yuan with fen), wider than one amount."""
    return models.DecimalField(verbose_name, max_digits=TOTAL_DIGITS, decimal_places=2, **kwargs)


class PayoutBatch(models.Model):
    """Payments sent to the bank together in one payout file.

    Built (lines added chunk by chunk; ``built_at`` set at the end), written (the payout file's checksum and
    trailer kept; status SENT), settled (the bank's result file applied line by line; status SETTLED). Each
    stage can be re-run after a crash and completes what is left, never doing a line twice.
    """

    scope_paths = ("org_unit__region_path", "org_unit__industry_path")

    number = models.CharField(_("number"), max_length=30, unique=True)
    purpose = models.CharField(_("purpose"), max_length=40)
    org_unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("paying unit"))
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    #: Set when every eligible payment has been added (a build interrupted before has it empty and is resumed).
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    total = total_field(_("total"), default=0)
    #: The payout file as first written: its trailer and SHA-256 (a later download must give the same bytes).
    file_count = models.PositiveIntegerField(_("lines in the payout file"), null=True, blank=True)
    file_total = total_field(_("total of the payout file"), null=True, blank=True)
    file_sha256 = models.CharField(_("SHA-256 of the payout file"), max_length=64, blank=True)
    #: The bank's result file being applied or applied (the same file may be applied again; another is refused).
    result_sha256 = models.CharField(_("SHA-256 of the result file"), max_length=64, blank=True)
    result_name = models.CharField(_("result file"), max_length=200, blank=True)
    result_paid_count = models.PositiveIntegerField(_("paid lines (result file)"), null=True, blank=True)
    result_paid_total = total_field(_("paid total (result file)"), null=True, blank=True)
    result_failed_count = models.PositiveIntegerField(_("failed lines (result file)"), null=True, blank=True)
    result_failed_total = total_field(_("failed total (result file)"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "purpose"])]

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
    hold = models.CharField(_("held because"), max_length=20, choices=HoldReason.choices, blank=True, default="")
    #: How many times the bank has refused it (each refusal stays on its batch line).
    failures = models.PositiveIntegerField(_("failures"), default=0)

    class Meta:
        indexes = [models.Index(fields=["status", "purpose"]), models.Index(fields=["member", "status"])]

    def __str__(self) -> str:
        return self.source_key

    @property
    def area(self) -> str:
        """The area part of the purpose ("mutualaid" of "mutualaid.medical"): the served visit's service."""
        return self.purpose.split(".", 1)[0]


class BatchLine(models.Model):
    """One payment in one batch, as written to the payout file; its outcome is the bank's answer.

    A failed payment keeps its failed line here and gets a new line in a later batch: the lines of a payment
    are its history. A payment has at most one line waiting for the bank (a unique constraint), so it can be
    in only one open or sent batch.
    """

    scope_paths = ("batch__org_unit__region_path", "batch__org_unit__industry_path")

    batch = models.ForeignKey(PayoutBatch, models.PROTECT, related_name="lines")
    payment = models.ForeignKey(Payment, models.PROTECT, related_name="lines")
    seq = models.PositiveIntegerField(_("sequence"))
    card_number = models.CharField(_("card number"), max_length=19)
    member_name = models.CharField(_("member"), max_length=60)
    amount = money_field(_("amount"))
    reference = models.CharField(_("reference"), max_length=120)
    outcome = models.CharField(_("result"), max_length=10, choices=LineOutcome.choices, default=LineOutcome.SENT)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "seq"], name="payout_line_seq"),
            models.UniqueConstraint(fields=["batch", "payment"], name="payout_line_payment"),
            # Never twice: one line at most waiting for the bank per payment.
            models.UniqueConstraint(fields=["payment"], condition=Q(outcome="sent"), name="payout_line_one_open"),
        ]
        indexes = [models.Index(fields=["batch", "outcome"])]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.seq}"

    @property
    def card_masked(self) -> str:
        return f"…{self.card_number[-4:]}" if self.card_number else ""
