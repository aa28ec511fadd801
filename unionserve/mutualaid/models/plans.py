"""Plans, enrolment and the quarterly medical mutual-aid batch (000 §四.7, 003 §三, 002 §二(四)).

- `Plan`: the eight plans of seed 003 (seeded by ``setup.setup``).
- `Enrolment`: a member in a plan for a plan year, enrolled and paid for by a unit (one row per member, plan
  and year). The medical plan also needs the member in social insurance.
- `FileImport`: a file read (enrolment list, expense file) and its errors, for the error report.
- `CardExport`: the daily list of valid card holders sent to the social-security center (its checksum).
- `ExpenseBatch` / `ExpenseLine`: the center's quarterly expense file, its lines, the payout computed from the
  plan version in force on the visit date, the two reviews, and the payment of each approved line.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core.money import money_field

from ..catalog import PlanKind

__all__ = ["BatchState", "CardExport", "Enrolment", "ExpenseBatch", "ExpenseLine", "FileImport",
           "FileKind", "LineState", "Plan", "PlanKind", "VisitKind"]


class Plan(models.Model):
    """One of the eight mutual-aid plans (003 §三); its numbers are policy parameters ``mutualaid.<code>.*``."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=16, choices=PlanKind.choices)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("open for enrolment"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("mutual-aid plan")

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    """A member enrolled in a plan for one plan year (a calendar year), paid for by a unit."""

    scope_paths = ("member__grassroots__region_path", "member__grassroots__industry_path")

    member = models.ForeignKey("members.Member", models.PROTECT, related_name="mutualaid_enrolments",
                               verbose_name=_("member"))
    plan = models.ForeignKey(Plan, models.PROTECT, related_name="enrolments", verbose_name=_("plan"))
    year = models.PositiveSmallIntegerField(_("plan year"))
    unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("enrolling unit"))
    contribution = money_field(_("contribution"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    #: The medical plan pays after the basic medical insurance: only members in social insurance (003 §三).
    in_social_insurance = models.BooleanField(_("in social insurance"), default=False)
    source = models.CharField(_("source"), max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("enrolment")
        ordering = ["-year", "plan__order", "pk"]
        constraints = [models.UniqueConstraint(fields=["member", "plan", "year"], name="mutualaid_enrolment_once")]
        indexes = [models.Index(fields=["plan", "year"]), models.Index(fields=["unit", "year"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.plan_id} {self.year}"


class FileKind(models.TextChoices):
    ENROLMENT = "enrolment", pgettext_lazy("mutual aid file", "Enrolment list")
    EXPENSES = "expenses", pgettext_lazy("mutual aid file", "Quarterly expense file")


class FileImport(models.Model):
    """One file read: a unit's enrolment list (all rows written, or none) or the center's expense file (refused
    whole when a line cannot be read); the errors are kept for the error report."""

    scope_paths = ("unit__region_path", "unit__industry_path")

    kind = models.CharField(_("kind"), max_length=10, choices=FileKind.choices)
    unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    original_name = models.CharField(_("file name"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("imported"), default=timezone.now)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("rows written"), default=0)
    #: [[row, column, value, message], …] (at most MAX_ERRORS) — empty when the file was accepted.
    errors = models.JSONField(default=list, blank=True)
    error_count = models.PositiveIntegerField(_("errors"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def accepted(self) -> bool:
        return not self.error_count


class CardExport(models.Model):
    """A day's list of valid card holders, sent to the social-security center (000 §四.7(1)(2))."""

    day = models.DateField(_("day"))
    rows = models.PositiveIntegerField(_("rows"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.day} {self.sha256[:12]}"


class BatchState(models.TextChoices):
    FIRST_REVIEW = "first_review", pgettext_lazy("medical batch", "First review")
    SECOND_REVIEW = "second_review", pgettext_lazy("medical batch", "Second review")
    APPROVED = "approved", pgettext_lazy("medical batch", "Approved, payments requested")


class ExpenseBatch(models.Model):
    """The social-security center's expense file of one quarter (000 §四.7(3)) and its review."""

    scope_paths = ("office__region_path", "office__industry_path")

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    office = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("office"))
    original_name = models.CharField(_("file name"), max_length=200)
    #: The same file is never read twice.
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    state = models.CharField(_("state"), max_length=16, choices=BatchState.choices, default=BatchState.FIRST_REVIEW)
    lines = models.PositiveIntegerField(_("lines"), default=0)
    rejected = models.PositiveIntegerField(_("rejected lines"), default=0)
    flagged = models.PositiveIntegerField(_("flagged lines"), default=0)
    total_claimed = money_field(_("self-paid amounts"), default=0)
    total_payout = money_field(_("payouts"), default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    first_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                       related_name="+", verbose_name=_("first reviewer"))
    first_reviewed_at = models.DateTimeField(null=True, blank=True)
    second_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("second reviewer"))
    second_reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-quarter", "-pk"]
        constraints = [
            # Four eyes in the database too: the second review is another person's.
            models.CheckConstraint(condition=models.Q(second_reviewer__isnull=True)
                                   | ~models.Q(second_reviewer=models.F("first_reviewer")),
                                   name="mutualaid_batch_four_eyes"),
        ]

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"


class VisitKind(models.TextChoices):
    OUTPATIENT = "outpatient", pgettext_lazy("medical visit", "Outpatient")
    INPATIENT = "inpatient", pgettext_lazy("medical visit", "Inpatient")


class LineState(models.TextChoices):
    REJECTED = "rejected", pgettext_lazy("medical line", "Rejected on import")
    ACCEPTED = "accepted", pgettext_lazy("medical line", "Computed")
    FLAGGED = "flagged", pgettext_lazy("medical line", "Flagged for a check")
    CLEARED = "cleared", pgettext_lazy("medical line", "Checked and cleared")
    REFUSED = "refused", pgettext_lazy("medical line", "Refused by a reviewer")
    REQUESTED = "requested", pgettext_lazy("medical line", "Payment requested")
    PAID = "paid", pgettext_lazy("medical line", "Paid to the card")
    FAILED = "failed", pgettext_lazy("medical line", "Payment failed")


class ExpenseLine(models.Model):
    """One line of the expense file: a visit's 自付一 amount after basic insurance, and what the plan pays."""

    scope_paths = ("member__grassroots__region_path", "member__grassroots__industry_path")

    batch = models.ForeignKey(ExpenseBatch, models.CASCADE, related_name="expense_lines")
    row = models.PositiveIntegerField(_("row"))
    member = models.ForeignKey("members.Member", models.PROTECT, null=True, blank=True,
                               related_name="mutualaid_lines", verbose_name=_("member"))
    id_masked = models.CharField(_("ID number"), max_length=18)
    name = models.CharField(_("name"), max_length=60, blank=True)
    hospital = models.CharField(_("hospital"), max_length=100)
    visit_kind = models.CharField(_("visit"), max_length=10, choices=VisitKind.choices)
    visit_from = models.DateField(_("visit from"))
    visit_to = models.DateField(_("visit to"))
    self_paid = money_field(_("self-paid amount (自付一)"))
    #: The line's identity (SHA-256 of ID number hash, hospital, kind, dates and amount): a line paid in an earlier
    #: quarter is refused. NULL on rejected lines, so a rejected duplicate does not collide.
    line_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    state = models.CharField(_("state"), max_length=10, choices=LineState.choices, default=LineState.ACCEPTED)
    reason = models.CharField(_("reason"), max_length=40, blank=True)
    #: Automatic flags for the first review: "near_cap", "over_cap", "outlier", "doubt", "sample".
    flags = models.CharField(_("flags"), max_length=80, blank=True)
    year = models.PositiveSmallIntegerField(_("cap year"), null=True, blank=True)
    computed = money_field(_("computed before the cap"), default=0)
    payout = money_field(_("payout"), default=0)
    cap = money_field(_("annual cap"), default=0)
    special_cap = models.BooleanField(_("special cap"), default=False)
    paid_before = money_field(_("paid earlier this year"), default=0)
    #: The policy versions the computation used: {key: {"version": n, "value": "…"}}.
    policy_versions = models.JSONField(default=dict, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=200, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        ordering = ["batch", "row"]
        indexes = [models.Index(fields=["member", "year", "state"]), models.Index(fields=["batch", "state"])]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row}"
