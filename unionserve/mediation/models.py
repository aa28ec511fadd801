"""Labor-dispute mediation (劳动争议调解, seed 000 §四.5): mediators by unit, and each case's own data.

The lifecycle (acceptance, dispatch or report up, plan, mediation, agreement or termination, review) is the
workflow engine's Case (process "mediation", numbers TJ…); `MediationCase` holds what only mediation
knows: the path, the parties (one or several workers and the employer), the claims, the mediator, the
handling plan and the outcome with the money recovered.

Money: the project's one money type, ``core.money.money_field`` (yuan with fen, exact decimal).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core.money import money_field
from unionserve.core.vocab import DisputeType, dispute_type_constraint, dispute_type_field


class Path(models.TextChoices):
    """The two flows of seed 000 §四.5."""

    DOWN = "down", _("Dispatched down (level 1 accepts)")
    UP = "up", _("Reported up (received at level 3)")
    LOCAL = "local", _("Received at level 2")


class Outcome(models.TextChoices):
    AGREED = "agreed", _("Agreement reached")
    TERMINATED = "terminated", _("Mediation ended without agreement")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")


class Mediator(models.Model):
    """A mediator (调解员) of a mediation body (a unit at any level), optionally with a login."""

    #: Set on the mediators that rules.rank_mediators returns (open cases; suited to the dispute type).
    load: int
    specialist: bool

    scope_paths = ("unit__region_path", "unit__industry_path")

    unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="mediators", verbose_name=_("unit"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                related_name="mediator", verbose_name=_("user account"))
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    phone = models.CharField(_("office phone"), max_length=20, blank=True)
    specialties = models.JSONField(_("specialties"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    max_load = models.PositiveSmallIntegerField(_("most open cases at once"), default=8,
                                                validators=[MinValueValidator(1)])
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mediator")
        verbose_name_plural = _("mediators")
        ordering = ["unit__code", "name"]
        indexes = [models.Index(fields=["unit", "active"], name="mediator_unit_active")]

    def __str__(self) -> str:
        return self.name

    def specialty_labels(self) -> list[str]:
        labels = dict(DisputeType.choices)
        return [str(labels.get(s, s)) for s in self.specialties]


class MediationCase(models.Model):
    """The process data of a mediation case; read where its case is readable."""

    case = models.OneToOneField("workflow.Case", models.CASCADE, related_name="mediation")
    path = models.CharField(_("path"), max_length=8, choices=Path.choices)
    dispute_type = dispute_type_field(_("kind of dispute"))
    summary = models.TextField(_("the dispute"))
    employer = models.ForeignKey("members.Employer", models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("employer (register)"))
    employer_name = models.CharField(_("employer"), max_length=200)
    applied_on = models.DateField(_("applied on"), default=timezone.localdate)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    mediator = models.ForeignKey(Mediator, models.SET_NULL, null=True, blank=True, related_name="cases",
                                 verbose_name=_("mediator"))
    mediator_appointed_at = models.DateTimeField(null=True, blank=True)
    plan = models.TextField(_("handling plan"), blank=True)
    plan_at = models.DateTimeField(_("plan given"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_text = models.TextField(_("agreement or reason"), blank=True)
    performance = models.TextField(_("how and when it is performed"), blank=True)
    amount_recovered = money_field(_("money recovered (yuan)"), null=True, blank=True)
    #: Set when the mediation ends (agreement or termination); until then the case counts in the mediator's load.
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("mediation case")
        verbose_name_plural = _("mediation cases")
        indexes = [models.Index(fields=["mediator", "concluded_at"], name="mediation_load")]
        constraints = [dispute_type_constraint("dispute_type", "mediation_dispute_type_coded")]

    def __str__(self) -> str:
        return self.case.number

    @classmethod
    def scope_filter(cls, scope) -> Q:
        """Visible exactly where its case is (incl. the personal limit of mediators and lawyers)."""
        from unionserve.workflow.models import Case

        return Q(Exists(scope.filter(Case.objects.filter(pk=OuterRef("case_id")))))

    @property
    def is_collective(self) -> bool:
        return self.parties.count() > 1

    def claims_total(self):
        from decimal import Decimal

        return sum((c.amount or Decimal("0") for c in self.claims.all()), Decimal("0"))


class Party(models.Model):
    """A worker who applies (one or several: a collective dispute), optionally a member of the register."""

    mediation = models.ForeignKey(MediationCase, models.CASCADE, related_name="parties")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    member = models.ForeignKey("members.Member", models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("member"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["mediation", "position", "id"]
        indexes = [models.Index(fields=["member"], name="mediation_party_member")]

    def __str__(self) -> str:
        return self.name


class Claim(models.Model):
    """One claim (请求事项) with its amount, if it is about money."""

    mediation = models.ForeignKey(MediationCase, models.CASCADE, related_name="claims")
    item = models.CharField(_("claim"), max_length=200)
    amount = money_field(_("amount (yuan)"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["mediation", "position", "id"]

    def __str__(self) -> str:
        return self.item
