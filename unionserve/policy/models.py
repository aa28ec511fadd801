"""Policy versions: every value a parameter has had or was proposed to have, with who decided it.

A version is never edited once decided; a change is a new version. The value in force on a day is the
latest approved version whose ``effective_from`` is on or before that day (``service.value``). An approval
needs a second person: the database refuses an approved row whose approver is its proposer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("policy status", "Proposed")
    APPROVED = "approved", pgettext_lazy("policy status", "Approved")
    REJECTED = "rejected", pgettext_lazy("policy status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("policy status", "Withdrawn")


class PolicyVersion(models.Model):
    """One version of one parameter (``key`` from the code registry)."""

    key = models.CharField(pgettext_lazy("policy", "parameter"), max_length=100)
    #: 1, 2, 3 … per key, in order of proposal (version 1 is the seed default).
    version = models.PositiveIntegerField(_("version"))
    # Every kind fits one decimal: days and counts are whole, money has fen, percentages two places.
    value = models.DecimalField(pgettext_lazy("policy", "value"), max_digits=14, decimal_places=2)
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("source"), max_length=300,
                              help_text=_("The seed paragraph or document that sets the number."))
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    #: Null for the seed defaults and versions carried over from older tables (no person proposed them).
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("proposed by"))
    proposed_at = models.DateTimeField(pgettext_lazy("policy", "proposed"), default=timezone.now)
    #: Who approved or rejected it (the proposer for a withdrawal).
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(pgettext_lazy("policy", "decided"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="policy_version_unique"),
            # Four eyes: an approved change proposed by a person was approved by another person.
            models.CheckConstraint(
                condition=~Q(status=Status.APPROVED) | Q(proposed_by__isnull=True)
                | (Q(decided_by__isnull=False) & ~Q(decided_by=F("proposed_by"))),
                name="policy_four_eyes",
            ),
        ]
        indexes = [models.Index(fields=["key", "status", "-effective_from", "-version"], name="policy_in_force")]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    @property
    def parameter(self):
        from .registry import parameter

        return parameter(self.key)

    def display_value(self) -> str:
        try:
            return self.parameter.display(self.value)
        except KeyError:
            return str(self.value)
