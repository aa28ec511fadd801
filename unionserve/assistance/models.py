"""Help for workers who need it (seed 000 §一, 002 §二(一)、(九), 003 五个一: 北京市温暖基金).

- `HardshipFile` (困难职工档案): a member's household, income, spending and cause, sealed like health data;
  applied at the station, reviewed by the district, approved by the city on the workflow engine; valid until a
  yearly re-check. An approved file puts the member in the register's hardship group.
- `Fund` and `FundEntry` (温暖基金): the ledger; the balance never goes below zero (checked in the action under
  a row lock and by the database).
- `Program`, `ProgramBudget`, `Nomination` (两节送温暖, 三八助单亲, 五一关爱劳模, 九月金秋助学): a seasonal program,
  its budget per district and its nomination list drawn from the register; one grant per member and program.
- `EmergencyAid` (临时应急救助): one engine case, the amount decided by the city within the policy cap.
- `SkillApplication` (技能提升助推): a certificate or a competition place, the amount by level from policy on the
  application day; one certificate is used once.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core import roles
from unionserve.core.money import money_field

MEMBER_PATHS = ("member__grassroots__region_path", "member__grassroots__industry_path")


class HardshipLevel(models.TextChoices):
    SPECIAL = "special", _("Extreme hardship")
    HARDSHIP = "hardship", _("Hardship")
    RELATIVE = "relative", _("Relative hardship")


class HardshipCause(models.TextChoices):
    ILLNESS = "illness", _("Serious illness")
    DISABILITY = "disability", _("Disability")
    SINGLE_PARENT = "single_parent", _("Single parent")
    DISASTER = "disaster", _("Disaster or accident")
    UNEMPLOYMENT = "unemployment", _("Unemployment of the household")
    SCHOOLING = "schooling", _("Children's schooling")
    OTHER = "other", pgettext_lazy("hardship cause", "Other")


class FileStatus(models.TextChoices):
    REVIEW = "review", pgettext_lazy("hardship file", "Under review")
    APPROVED = "approved", pgettext_lazy("hardship file", "Approved")
    REJECTED = "rejected", pgettext_lazy("hardship file", "Rejected")
    EXPIRED = "expired", pgettext_lazy("hardship file", "Expired")
    ENDED = "ended", pgettext_lazy("hardship file", "Ended")


class HardshipFile(models.Model):
    """One hardship file (困难职工档案) of one member; the household's data is sealed (`details_encrypted`)."""

    scope_paths = MEMBER_PATHS
    #: `pii.reveal(file, "details")` decrypts this column; holders of VIEW_HARDSHIP_FILE may reveal it (in scope).
    pii_fields = {"details": "details_encrypted"}
    pii_reveal_permissions = (roles.VIEW_HARDSHIP_FILE,)

    case = models.OneToOneField("workflow.Case", models.PROTECT, null=True, blank=True, related_name="hardship_file")
    member = models.ForeignKey("members.Member", models.PROTECT, related_name="hardship_files",
                               verbose_name=_("member"))
    station = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("applied at"))
    level = models.CharField(_("level of hardship"), max_length=10, choices=HardshipLevel.choices)
    cause = models.CharField(_("main cause"), max_length=16, choices=HardshipCause.choices)
    household_size = models.PositiveSmallIntegerField(_("people in the household"))
    #: Not sealed: the autumn school-aid program (九月金秋助学) selects on it; a count reveals little.
    children_in_school = models.PositiveSmallIntegerField(_("children in school"), default=0)
    #: Sealed JSON: household members, monthly income and spending, the story (as sensitive as health data).
    details_encrypted = models.TextField()
    status = models.CharField(_("status"), max_length=10, choices=FileStatus.choices, default=FileStatus.REVIEW)
    applied_on = models.DateField(_("applied on"), default=timezone.localdate)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    rechecked_on = models.DateField(_("last re-checked"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=200, blank=True)
    #: The policy version of the validity period used at approval or re-check.
    policy = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("hardship file")
        verbose_name_plural = _("hardship files")
        ordering = ["-applied_on", "-pk"]
        indexes = [models.Index(fields=["status", "valid_until"], name="hardship_status_valid")]
        constraints = [
            # One file under review or in force per member: a second application waits for the first.
            models.UniqueConstraint(fields=["member"], condition=Q(status__in=["review", "approved"]),
                                    name="hardship_one_live_file"),
            models.CheckConstraint(condition=Q(household_size__gte=1), name="hardship_household_size"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.level}"

    @property
    def org_unit(self):
        """The unit the audit rows of this file concern."""
        return self.station


class Fund(models.Model):
    """The warm fund (北京市温暖基金) of a union unit; its balance is never negative."""

    scope_paths = ("unit__region_path", "unit__industry_path")

    name = models.CharField(pgettext_lazy("fund", "name"), max_length=60, unique=True)
    unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("kept by"))
    balance = money_field(_("balance (yuan)"), default=0)

    class Meta:
        verbose_name = _("warm fund")
        verbose_name_plural = _("warm funds")
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="fund_balance_not_negative")]

    def __str__(self) -> str:
        return self.name

    @property
    def org_unit(self):
        return self.unit


class EntryKind(models.TextChoices):
    INCOME = "income", pgettext_lazy("fund entry", "Income")
    GRANT = "grant", pgettext_lazy("fund entry", "Grant")


class FundEntry(models.Model):
    """One line of the fund's ledger: income in, or a grant out; the balance after it."""

    scope_paths = ("fund__unit__region_path", "fund__unit__industry_path")

    fund = models.ForeignKey(Fund, models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=8, choices=EntryKind.choices)
    amount = money_field(_("amount (yuan)"))
    balance_after = money_field(_("balance after (yuan)"))
    #: What the grant paid for (`program:<pk>`, `emergency:<pk>`); drawn once per source.
    source_key = models.CharField(max_length=60, blank=True)
    memo = models.CharField(_("memo"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fund entry")
        verbose_name_plural = _("fund entries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="fund_entry_amount_positive"),
            models.UniqueConstraint(fields=["fund", "source_key"], condition=~Q(source_key=""),
                                    name="fund_entry_source_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class ProgramKind(models.TextChoices):
    SPRING = "spring", _("Warmth for the two festivals (两节送温暖)")
    WOMEN = "women", _("March 8: help for single mothers (三八助单亲)")
    LABOUR = "labour", _("May 1: care for model workers (五一关爱劳模)")
    SCHOOL = "school", _("September: golden-autumn school aid (金秋助学)")


class ProgramStatus(models.TextChoices):
    NOMINATING = "nominating", pgettext_lazy("assistance program", "Nominating")
    APPROVED = "approved", pgettext_lazy("assistance program", "Approved and paying")


class Program(models.Model):
    """A seasonal program of one year, with a grant per person; the city approves and the fund pays."""

    #: A city plan every level reads; its nominations are scoped by member.
    kind = models.CharField(_("program"), max_length=8, choices=ProgramKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=100)
    amount = money_field(_("grant per person (yuan)"))
    sms_text = models.CharField(_("SMS text"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=ProgramStatus.choices,
                              default=ProgramStatus.NOMINATING)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("seasonal program")
        verbose_name_plural = _("seasonal programs")
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="program_once_a_year"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="program_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class ProgramBudget(models.Model):
    """What a program may spend in one district (or company union) center."""

    scope_paths = ("district__region_path", "district__industry_path")

    program = models.ForeignKey(Program, models.CASCADE, related_name="budgets")
    district = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("district"))
    amount = money_field(_("budget (yuan)"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["program", "district"], name="budget_once_per_district")]

    def __str__(self) -> str:
        return f"{self.program_id} {self.district_id} {self.amount}"


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", pgettext_lazy("nomination", "Nominated")
    REMOVED = "removed", pgettext_lazy("nomination", "Removed")
    APPROVED = "approved", pgettext_lazy("nomination", "Approved")


class Nomination(models.Model):
    """One member on a program's list: drawn from the register or added by hand, with a reason when changed.

    Unique per program (and so per program and year): a member drawn twice or added again is one row, paid
    once; the payment's source key `assistance:<program>:<member>` makes a repeated request pay once too.
    """

    scope_paths = MEMBER_PATHS

    program = models.ForeignKey(Program, models.CASCADE, related_name="nominations")
    member = models.ForeignKey("members.Member", models.PROTECT, related_name="+", verbose_name=_("member"))
    district = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("district"))
    status = models.CharField(_("status"), max_length=10, choices=NominationStatus.choices,
                              default=NominationStatus.NOMINATED)
    added_by_hand = models.BooleanField(_("added by hand"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [models.UniqueConstraint(fields=["program", "member"], name="nomination_once_per_program")]
        indexes = [models.Index(fields=["program", "district", "status"], name="nomination_district")]

    def __str__(self) -> str:
        return f"{self.program_id} {self.member_id}"


class AidStatus(models.TextChoices):
    REVIEW = "review", pgettext_lazy("emergency aid", "Under review")
    GRANTED = "granted", pgettext_lazy("emergency aid", "Granted")
    REFUSED = "refused", pgettext_lazy("emergency aid", "Refused")


class EmergencyAid(models.Model):
    """An emergency grant (临时应急救助) of one engine case: what was asked, what the city granted."""

    scope_paths = MEMBER_PATHS

    case = models.OneToOneField("workflow.Case", models.PROTECT, null=True, blank=True, related_name="emergency_aid")
    member = models.ForeignKey("members.Member", models.PROTECT, related_name="+", verbose_name=_("member"))
    station = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("applied at"))
    what_happened = models.TextField(_("what happened"))
    amount_asked = money_field(_("amount asked (yuan)"))
    amount_granted = money_field(_("amount granted (yuan)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=AidStatus.choices, default=AidStatus.REVIEW)
    policy = models.JSONField(default=dict, blank=True)
    applied_on = models.DateField(_("applied on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("emergency aid")
        verbose_name_plural = _("emergency aid")
        ordering = ["-applied_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.member_id} {self.amount_asked}"

    @property
    def org_unit(self):
        return self.station


class SkillBasis(models.TextChoices):
    TECHNICIAN = "technician", _("Technician certificate (技师)")
    SENIOR = "senior", _("Senior-technician certificate (高级技师)")
    COMPETITION = "competition", _("Top 10 in a city skills competition")


class SkillStatus(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("skills boost", "Applied")
    APPROVED = "approved", pgettext_lazy("skills boost", "Approved, payment asked")
    REJECTED = "rejected", pgettext_lazy("skills boost", "Rejected")


def certificate_key(number: str, issuer: str) -> str:
    """The certificate's identity: number and issuer without spaces, full-width folded, upper case."""
    def norm(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()

    return f"{norm(number)}|{norm(issuer)}"[:200]


class SkillApplication(models.Model):
    """A skills-boost application (技能提升助推): the certificate or place, the amount fixed on the application day."""

    scope_paths = MEMBER_PATHS

    member = models.ForeignKey("members.Member", models.PROTECT, related_name="+", verbose_name=_("member"))
    station = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("applied at"))
    basis = models.CharField(_("basis"), max_length=12, choices=SkillBasis.choices)
    certificate_number = models.CharField(_("certificate number"), max_length=60)
    issuer = models.CharField(_("issued by"), max_length=100)
    #: A competition place (1–10); empty for a certificate.
    place = models.PositiveSmallIntegerField(_("place"), null=True, blank=True)
    cert_key = models.CharField(max_length=200, editable=False)
    applied_on = models.DateField(_("applied on"), default=timezone.localdate)
    amount = money_field(_("amount (yuan)"))
    policy = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=SkillStatus.choices, default=SkillStatus.APPLIED)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("skills-boost application")
        verbose_name_plural = _("skills-boost applications")
        ordering = ["-applied_on", "-pk"]
        constraints = [
            # A certificate (or a competition result) is used once; a rejected application frees it.
            models.UniqueConstraint(fields=["cert_key"], condition=~Q(status="rejected"), name="skills_cert_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.basis}"

    @property
    def org_unit(self):
        return self.station
