"""Legal aid (法律援助, seed 000 §四.6): law firms under contract, their lawyers, and each case's own data.

The lifecycle (review, acceptance or refusal, assignment, the case file reported up, archive) is the
workflow engine's Case; `LegalAidCase` holds what only legal aid knows: the applicant, the opposing
employer, the eligibility screen, the firm and lawyer, the conflict flags and the result.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core import roles
from unionserve.core.money import money_field

#: A Chinese lawyer's practice licence number (律师执业证号) has 17 digits.
licence_validator = RegexValidator(r"^\d{17}$", _("A lawyer's licence number has 17 digits."))


class LawFirm(models.Model):
    """A law firm (律师事务所) that may be contracted to take legal-aid cases."""

    name = models.CharField(pgettext_lazy("organization", "name"), max_length=100, unique=True)
    uscc = models.CharField(_("Unified Social Credit Code"), max_length=18, unique=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("law firm")
        verbose_name_plural = _("law firms")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    """A service contract (购买服务) between a union unit and a firm: period, scope, capacity."""

    scope_paths = ("unit__region_path", "unit__industry_path")

    firm = models.ForeignKey(LawFirm, models.CASCADE, related_name="contracts", verbose_name=_("law firm"))
    unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("contracting unit"))
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    scope = models.CharField(_("scope of services"), max_length=200,
                             default=pgettext_lazy("contract scope", "Labor-dispute arbitration and litigation"))
    capacity = models.PositiveIntegerField(_("capacity (concurrent cases)"), validators=[MinValueValidator(1)])
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-end", "firm__name"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="contract_period")]

    def __str__(self) -> str:
        return f"{self.firm} · {self.unit} ({self.start}–{self.end})"

    def is_current(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.start <= day <= self.end


class Lawyer(models.Model):
    """A lawyer of a firm. With a login (`user`), assigned cases land in their own inbox."""

    firm = models.ForeignKey(LawFirm, models.CASCADE, related_name="lawyers", verbose_name=_("law firm"))
    name = models.CharField(pgettext_lazy("person", "name"), max_length=40)
    licence_number = models.CharField(_("licence number"), max_length=17, unique=True,
                                      validators=[licence_validator])
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                related_name="lawyer", verbose_name=_("login"))
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("lawyer")
        verbose_name_plural = _("lawyers")
        ordering = ["firm__name", "name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.firm.name}）"


class Side(models.TextChoices):
    FOR = "for", _("Acts for this party")
    AGAINST = "against", _("Acts against this party")


class Engagement(models.Model):
    """A representation a firm has declared (its other clients), read by the conflict check."""

    firm = models.ForeignKey(LawFirm, models.CASCADE, related_name="engagements", verbose_name=_("law firm"))
    party_name = models.CharField(_("party"), max_length=100)
    party_uscc = models.CharField(_("party's credit code"), max_length=18, blank=True)
    side = models.CharField(_("side"), max_length=8, choices=Side.choices, default=Side.FOR)
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("declared representation")
        verbose_name_plural = _("declared representations")
        ordering = ["firm__name", "party_name"]

    def __str__(self) -> str:
        return f"{self.firm} {self.get_side_display()} {self.party_name}"


class Path(models.TextChoices):
    DOWN = "down", _("Applied at the city (down)")
    UP = "up", _("Received at a station (up)")


class DisputeType(models.TextChoices):
    WAGES = "wages", _("Unpaid wages")
    DISMISSAL = "dismissal", _("Dismissal or contract termination")
    INJURY = "injury", _("Work injury")
    INSURANCE = "insurance", _("Social insurance")
    OVERTIME = "overtime", _("Overtime and leave")
    CONTRACT = "contract", _("No written contract (double pay)")
    OTHER = "other", _("Other labor matter")


class Outcome(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    UNDETERMINED = "undetermined", _("Not yet determined")


class CaseResult(models.TextChoices):
    WON = "won", _("Won (award or judgment for the worker)")
    PARTLY = "partly", _("Partly won")
    SETTLED = "settled", _("Settled or mediated")
    LOST = "lost", _("Lost")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class LegalAidCase(models.Model):
    """The legal-aid data of one engine case (one-to-one)."""

    #: Besides VIEW_PII, the assigned lawyer may see the applicant's phone: he must call the worker he
    #: represents, and his personal scope holds only the cases assigned to him (unionserve.pii.may_reveal).
    pii_reveal_permissions = (roles.CONTACT_APPLICANTS,)

    case = models.OneToOneField("workflow.Case", models.CASCADE, related_name="legal_aid")
    path = models.CharField(_("path"), max_length=4, choices=Path.choices)
    applicant_name = models.CharField(_("applicant"), max_length=60)
    applicant_id_hash = models.CharField(max_length=32, blank=True, db_index=True)
    applicant_id_masked = models.CharField(_("ID number"), max_length=18, blank=True)
    applicant_phone_encrypted = models.TextField(blank=True)
    applicant_phone_masked = models.CharField(_("phone"), max_length=11, blank=True)
    member = models.ForeignKey("members.Member", models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("member"))
    employer_name = models.CharField(_("opposing employer"), max_length=100)
    employer_uscc = models.CharField(_("employer's credit code"), max_length=18, blank=True, db_index=True)
    dispute_type = models.CharField(_("dispute"), max_length=12, choices=DisputeType.choices)
    matter = models.TextField(_("what aid is asked for"))
    amount_claimed = money_field(_("amount claimed (yuan)"), null=True, blank=True)
    applied_on = models.DateField(_("applied on"), default=timezone.localdate)
    # Eligibility: the per-criterion results are EligibilityResult rows; an override needs a reason.
    override_outcome = models.CharField(_("overridden to"), max_length=14, choices=Outcome.choices, blank=True)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    override_at = models.DateTimeField(null=True, blank=True)
    # The decision.
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    refused_at = models.DateTimeField(_("refused"), null=True, blank=True)
    refusal_reasons = models.TextField(_("reasons for refusal"), blank=True)
    decided_unit = models.ForeignKey("orgs.OrgUnit", models.SET_NULL, null=True, blank=True, related_name="+")
    # The assignment.
    firm = models.ForeignKey(LawFirm, models.PROTECT, null=True, blank=True, related_name="cases",
                             verbose_name=_("law firm"))
    contract = models.ForeignKey(Contract, models.PROTECT, null=True, blank=True, related_name="cases")
    lawyer = models.ForeignKey(Lawyer, models.PROTECT, null=True, blank=True, related_name="cases",
                               verbose_name=_("lawyer"))
    assigned_at = models.DateTimeField(null=True, blank=True)
    conflict_flags = models.JSONField(default=list, blank=True)
    conflict_reason = models.TextField(_("why assigned despite the flags"), blank=True)
    # The result, reported with the case file.
    result = models.CharField(_("result"), max_length=10, choices=CaseResult.choices, blank=True)
    result_summary = models.TextField(_("summary of the case file"), blank=True)
    amount_recovered = money_field(_("amount recovered (yuan)"), null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("legal-aid case")
        verbose_name_plural = _("legal-aid cases")
        indexes = [models.Index(fields=["firm", "assigned_at"], name="legalaid_firm")]

    def __str__(self) -> str:
        return f"{self.case.number} {self.applicant_name}"

    @classmethod
    def scope_filter(cls, scope) -> Q:
        """Visible exactly where its engine case is (incl. a lawyer's personal scope)."""
        from unionserve.workflow.models import Case

        return Q(case__in=scope.filter(Case.objects.all()).values("pk"))


class Result(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    UNKNOWN = "unknown", _("Unknown")


class EligibilityResult(models.Model):
    """One criterion of the eligibility screen for one case: its result and a note."""

    aid = models.ForeignKey(LegalAidCase, models.CASCADE, related_name="criteria")
    criterion = models.CharField(max_length=32)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices, default=Result.UNKNOWN)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["aid", "criterion"], name="unique_aid_criterion")]

    def __str__(self) -> str:
        return f"{self.aid_id} {self.criterion} {self.result}"
