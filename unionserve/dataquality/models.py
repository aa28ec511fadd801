"""Data quality of the real-name register (seed 000 §四.2): policies, nightly snapshots, sample checks.

- `QualityPolicy`: the thresholds and sample-check parameters, versioned by `effective_from`; the policy in
  force on a day is the latest version whose `effective_from` is on or before it (`policy_in_force`).
- `QualitySnapshot`: one row per unit and day with the numerator and denominator of each rate (rolled up
  over the org tree), and the policy version it was judged by. The rates page reads only snapshots.
- `SampleCheckRun` / `SampleCheckCase` / `SampleCheckItem`: a sample check (抽检) draws members per unit and
  sends the verification down as one workflow case per unit (process "samplecheck", process.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class QualityPolicy(models.Model):
    """One version of the data-quality thresholds; a version is never edited, a new one is added."""

    effective_from = models.DateField(_("effective from"), unique=True)
    unit_pass_min = models.DecimalField(_("unit-information pass rate, minimum %"), max_digits=5, decimal_places=2,
                                        validators=PERCENT)
    collection_min = models.DecimalField(_("member-information collection rate, minimum %"), max_digits=5,
                                         decimal_places=2, validators=PERCENT)
    accuracy_min = models.DecimalField(_("member-information accuracy rate, minimum %"), max_digits=5,
                                       decimal_places=2, validators=PERCENT)
    sample_size_per_unit = models.PositiveIntegerField(_("members sampled per unit"),
                                                       validators=[MinValueValidator(1), MaxValueValidator(500)])
    check_deadline_working_days = models.PositiveSmallIntegerField(
        _("working days to verify a sample"), validators=[MinValueValidator(1), MaxValueValidator(60)])
    accuracy_window_days = models.PositiveSmallIntegerField(
        _("accuracy counts checks closed within (days)"), default=365,
        validators=[MinValueValidator(1), MaxValueValidator(3660)])
    source = models.CharField(_("source"), max_length=300, blank=True,
                              help_text=_("Where the numbers come from (document, meeting, seed)."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("data-quality policy")
        verbose_name_plural = _("data-quality policies")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.effective_from:%Y-%m-%d}"


def policy_in_force(day: dt.date | None = None) -> QualityPolicy | None:
    """The version in force on `day` (default today): the latest `effective_from` on or before it."""
    day = day or timezone.localdate()
    return QualityPolicy.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


class QualitySnapshot(models.Model):
    """The three rates of one unit on one day, as numerators and denominators (rates are derived)."""

    scope_paths = ("unit__region_path", "unit__industry_path")

    unit = models.ForeignKey("orgs.OrgUnit", models.CASCADE, related_name="+", verbose_name=_("unit"))
    date = models.DateField(_("date"))
    policy = models.ForeignKey(QualityPolicy, models.PROTECT, related_name="snapshots")
    employers = models.PositiveIntegerField(default=0)
    employers_passed = models.PositiveIntegerField(default=0)
    members_reported = models.PositiveBigIntegerField(default=0)
    members_collected = models.PositiveBigIntegerField(default=0)
    #: Members in the register beyond what the employers report (not counted in the rate; shown as a hint).
    members_over = models.PositiveBigIntegerField(default=0)
    items_checked = models.PositiveIntegerField(default=0)
    items_correct = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("data-quality snapshot")
        constraints = [models.UniqueConstraint(fields=["unit", "date"], name="dq_snapshot_unit_date")]
        indexes = [models.Index(fields=["date", "unit"], name="dq_snapshot_date_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.date}"


class RunStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class SampleUnitKind(models.TextChoices):
    STATION = "station", _("Per service station")
    GRASSROOTS = "grassroots", _("Per grassroots union")


class SampleCheckRun(models.Model):
    """One sample check (抽检) over the units below `root`, by the policy version `policy`."""

    scope_paths = ("root__region_path", "root__industry_path")

    root = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("checked area"))
    unit_kind = models.CharField(_("sample"), max_length=12, choices=SampleUnitKind.choices,
                                 default=SampleUnitKind.STATION)
    policy = models.ForeignKey(QualityPolicy, models.PROTECT, related_name="runs")
    sample_size = models.PositiveIntegerField(_("members sampled per unit"))
    seed = models.BigIntegerField(help_text="Random seed of the draw, kept so the sample can be reproduced.")
    status = models.CharField(_("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("sample check")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.root} {self.created_at:%Y-%m-%d}"


class SampleCheckCase(models.Model):
    """The verification one unit does for a run: the workflow case and the unit that checks."""

    scope_paths = ("unit__region_path", "unit__industry_path")

    run = models.ForeignKey(SampleCheckRun, models.CASCADE, related_name="cases")
    unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    case = models.OneToOneField("workflow.Case", models.CASCADE, related_name="sample_check")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="dq_one_case_per_unit")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.unit_id}"


class ItemResult(models.TextChoices):
    CORRECT = "correct", _("Correct")
    CORRECTED = "corrected", _("Wrong, corrected")
    WRONG = "wrong", _("Wrong, not yet corrected")


class SampleCheckItem(models.Model):
    """One sampled member and what the checking unit found."""

    scope_paths = ("unit_check__unit__region_path", "unit_check__unit__industry_path")

    unit_check = models.ForeignKey(SampleCheckCase, models.CASCADE, related_name="items")
    member = models.ForeignKey("members.Member", models.CASCADE, related_name="+")
    #: The member's grassroots union when drawn (the accuracy rate is attributed to it).
    grassroots = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=10, choices=ItemResult.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["grassroots", "result"], name="dq_item_unit_result")]

    def __str__(self) -> str:
        return f"{self.unit_check_id} {self.member_id} {self.result}"
