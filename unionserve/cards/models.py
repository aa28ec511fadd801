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

    class Meta:
        indexes = [models.Index(fields=["member", "status"]), models.Index(fields=["status", "valid_from"])]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


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
