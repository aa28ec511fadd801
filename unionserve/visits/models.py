"""Real-name served visits (实名制服务职工人次, seed 002 §一): one row per member, service and day."""

from __future__ import annotations

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

    member = models.ForeignKey("members.Member", models.CASCADE, related_name="served_visits")
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
