"""Real-name served visits (实名制服务职工人次, seed 002 §一): one row per member, service and day."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VisitKind(models.TextChoices):
    SWIPE = "swipe", pgettext_lazy("served visit", "Card swipe")
    SIGN_IN = "sign_in", pgettext_lazy("served visit", "Sign-in at an activity")
    PLATFORM = "platform", pgettext_lazy("served visit", "Platform service")


class ServedVisit(models.Model):
    """A member served: counted once per member, service and day whatever the number of records."""

    scope_paths = ("grassroots__region_path", "grassroots__industry_path")

    #: No index of its own: the unique key (member, service, day) starts with it and serves every lookup by member;
    #: an index fewer to update per inserted visit (a month's swipe file inserts hundreds of thousands).
    member = models.ForeignKey("members.Member", models.CASCADE, related_name="served_visits", db_index=False)
    day = models.DateField(_("day"))
    #: What served him: "project:<id>", "hotline", "mediation", "legalaid", "mutualaid", "assistance",
    #: "fair:<id>", "venue:<id>" … (visits.public.record_visit documents the keys).
    service = models.CharField(_("service"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=VisitKind.choices)
    #: The member's grassroots union on that day: the unit the visit counts for, up both lines of the tree.
    grassroots = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "service", "day"], name="visit_once_per_day")]
        indexes = [models.Index(fields=["day", "grassroots"]), models.Index(fields=["service", "day"])]

    def __str__(self) -> str:
        return f"{self.member_id} {self.service} {self.day}"


class SwipeImport(models.Model):
    """One card swipe file from the bank or a merchant, imported: who, when, and what became of its rows.

    The visits a file added carry ``source = "import:<id>"``; a file imported again adds nothing (the ledger's
    unique key), and its record says how many of its rows were already counted.
    """

    scope_paths = ("unit__region_path", "unit__industry_path")

    original_name = models.CharField(_("file name"), max_length=200)
    #: SHA-256 of the file's bytes: the page says when the same file was imported before.
    checksum = models.CharField(_("checksum"), max_length=64, db_index=True)
    unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("imported by unit"))
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("imported by"))
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    visits_added = models.PositiveIntegerField(_("visits added"), default=0)
    #: Valid rows that added no visit: the member was already counted for that service and day.
    already_counted = models.PositiveIntegerField(_("already counted"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    #: The refusal of the whole file (no header, unreadable), if it was refused.
    refused = models.CharField(_("refused"), max_length=300, blank=True)
    #: The error report as CSV text (row, column, value, error), at most visits.importing.MAX_REPORTED rows.
    error_report = models.TextField(_("error report"), blank=True)
    seconds = models.FloatField(_("seconds"), default=0)

    class Meta:
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def source(self) -> str:
        return f"import:{self.pk}"


class Activity(models.Model):
    """An activity held by a unit (a lecture, a sports day, a project's event) where members sign in."""

    scope_paths = ("unit__region_path", "unit__industry_path")

    name = models.CharField(_("name"), max_length=120)
    day = models.DateField(_("date"))
    unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("held by"))
    #: The service project the activity belongs to, if any: its sign-ins count for "project:<code>".
    project_code = models.CharField(_("project code"), max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.day})"

    @property
    def service(self) -> str:
        """The service key its sign-ins count for."""
        return f"project:{self.project_code}" if self.project_code else f"activity:{self.pk}"


class SignIn(models.Model):
    """A member signed in at an activity (once each); the sign-in is also a served visit of kind sign_in."""

    scope_paths = ("activity__unit__region_path", "activity__unit__industry_path")

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="sign_ins")
    member = models.ForeignKey("members.Member", models.CASCADE, related_name="+", verbose_name=_("member"))
    at = models.DateTimeField(_("signed in at"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="sign_in_once")]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.member_id}"
