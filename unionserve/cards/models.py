"""The Jingka card (京卡·互助服务卡), seed 000 §四.3: a bank debit card that is also the member's key to every
union service. One row per physical card; a reissue after loss is a new row that ``replaces`` the old one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CardStatus(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("card status", "Applied")
    IN_PRODUCTION = "in_production", pgettext_lazy("card status", "In production")
    REFUSED = "refused", pgettext_lazy("card status", "Refused by the bank")
    ISSUED = "issued", pgettext_lazy("card status", "Issued")
    DELIVERED = "delivered", pgettext_lazy("card status", "Delivered")
    LOST = "lost", pgettext_lazy("card status", "Reported lost")
    REPLACED = "replaced", pgettext_lazy("card status", "Replaced")
    CANCELLED = "cancelled", pgettext_lazy("card status", "Cancelled")


#: A card in one of these states can be used and paid into.
VALID_STATUSES = (CardStatus.ISSUED, CardStatus.DELIVERED)
#: States from which a card goes nowhere else.
FINAL_STATUSES = (CardStatus.REFUSED, CardStatus.REPLACED, CardStatus.CANCELLED)
#: States of a card that is still alive (not refused, replaced or cancelled): a member has at most one.
LIVE_STATUSES = (CardStatus.APPLIED, CardStatus.IN_PRODUCTION, CardStatus.ISSUED, CardStatus.DELIVERED,
                 CardStatus.LOST)


class Document(models.TextChoices):
    """What the station or center checks before an application goes to the bank (seed 000 §四.3(1) 收集所需资料)."""

    ID_CARD = "id_card", _("ID card seen and copied")
    FORM = "form", _("Application form signed by the member")
    PHONE = "phone", _("Mobile number confirmed with the member")
    MEMBERSHIP = "membership", _("Membership confirmed in the register")


class BatchStatus(models.TextChoices):
    SENT = "sent", pgettext_lazy("card batch status", "At the bank")
    DONE = "done", pgettext_lazy("card batch status", "Result applied")


class BankBatch(models.Model):
    """Applications taken to the bank together (seed 000 §四.3(1) 到就近的北京银行集中办理): the unit that
    collected them sends one file; the bank answers with one result file per batch (or several partial ones)."""

    scope_paths = ("unit__region_path", "unit__industry_path")

    number = models.CharField(_("batch number"), max_length=24, unique=True)
    unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("sent by"))
    status = models.CharField(_("status"), max_length=8, choices=BatchStatus.choices, default=BatchStatus.SENT)
    count = models.PositiveIntegerField(_("applications"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    done_at = models.DateTimeField(_("result applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class BatchResult(models.Model):
    """One result file of the bank applied to a batch: who, when, its checksum and what it changed."""

    scope_paths = ("batch__unit__region_path", "batch__unit__industry_path")

    batch = models.ForeignKey(BankBatch, models.CASCADE, related_name="results")
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    filename = models.CharField(_("file"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    issued = models.PositiveIntegerField(_("issued"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.batch_id} {self.sha256[:8]}"


class Card(models.Model):
    """A member's card: applied at a unit, made by the bank, used until lost, replaced or cancelled."""

    scope_paths = ("member__grassroots__region_path", "member__grassroots__industry_path")

    member = models.ForeignKey("members.Member", models.PROTECT, related_name="cards", verbose_name=_("member"))
    number = models.CharField(_("card number"), max_length=19, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=CardStatus.choices, default=CardStatus.APPLIED)
    applied_at_unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+",
                                        verbose_name=_("collected at"))
    applied_on = models.DateField(_("applied on"), default=timezone.localdate)
    #: The days the card can be used and paid into: from the bank's issue date until lost, replaced or cancelled.
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    replaces = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="replaced_by",
                                    verbose_name=_("replaces"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    #: The documents checked at the counter (codes of `Document`); all of them before the bank.
    documents = models.JSONField(_("documents checked"), default=list, blank=True)
    batch = models.ForeignKey(BankBatch, models.SET_NULL, null=True, blank=True, related_name="cards",
                              verbose_name=_("bank batch"))
    refusal_reason = models.CharField(_("reason for refusal"), max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["member", "status"]), models.Index(fields=["status", "valid_from"])]

    def __str__(self) -> str:
        return self.number or self.reference

    @property
    def reference(self) -> str:
        """The application's number in the bank files (JK and the row id)."""
        return f"JK{self.pk:09d}"

    @property
    def is_valid_now(self) -> bool:
        today = timezone.localdate()
        return (self.status in VALID_STATUSES and self.valid_from is not None and self.valid_from <= today
                and (self.valid_until is None or self.valid_until >= today))


class ProblemKind(models.TextChoices):
    LOST = "lost", pgettext_lazy("card problem", "Card lost")
    NOT_RECEIVED = "not_received", pgettext_lazy("card problem", "Card not received")
    NOT_WORKING = "not_working", pgettext_lazy("card problem", "Card does not work")
    WRONG_DATA = "wrong_data", pgettext_lazy("card problem", "Wrong data on the card")
    OTHER = "other", pgettext_lazy("card problem", "Other card problem")


class ProblemStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("card problem status", "Open")
    RESOLVED = "resolved", pgettext_lazy("card problem status", "Resolved")


class CardProblem(models.Model):
    """A card problem reported to 12351 (seed 000 §四.3(2)-(3)): linked to the member's card, worked by the unit
    the 12351 request was dispatched to, called back by 12351. The request is referenced by its case number only
    (12351 sits above the cards)."""

    scope_paths = ("card__member__grassroots__region_path", "card__member__grassroots__industry_path")

    card = models.ForeignKey(Card, models.PROTECT, related_name="problems", verbose_name=_("card"))
    case_number = models.CharField(_("12351 case number"), max_length=32, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ProblemKind.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=ProblemStatus.choices, default=ProblemStatus.OPEN)
    resolution = models.CharField(_("resolution"), max_length=500, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["card", "case_number"], name="cards_problem_once_per_case")]

    def __str__(self) -> str:
        return f"{self.case_number} {self.kind}"


class CardEvent(models.Model):
    """The card's history: every change of state, with who, when and why."""

    scope_paths = ("card__member__grassroots__region_path", "card__member__grassroots__industry_path")

    card = models.ForeignKey(Card, models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=16, choices=CardStatus.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.card_id} {self.status}"
