"""Six-party linkage (六方联动, seed 003 §四): partner bodies and the referrals exchanged with them.

A referral sends a case to a partner (outgoing) or records one received from a partner (incoming), and
follows it to its outcome. Referrals hang on any workflow case (mediation, legal aid, 12351 requests…);
an incoming referral may wait unlinked until a case is opened or found for it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionserve.core.money import money_field


class PartnerKind(models.TextChoices):
    # seed 003 §四: 人力社保局、司法局 (2009, three-party) + 信访办、高级人民法院、企联 (2010–2011, six-party);
    # seed 001 §二(五)2 names the street-level partners: 司法所、社保所、信访办、综治办、企事业单位.
    JUSTICE_BUREAU = "justice_bureau", _("Justice bureau (司法局)")
    HRSS_BUREAU = "hrss_bureau", _("Human resources and social security bureau (人社局)")
    COURT = "court", _("Court (法院)")
    LETTERS_VISITS = "letters_visits", _("Letters-and-visits office (信访办)")
    ENTERPRISE_FEDERATION = "enterprise_fed", _("Enterprise federation / confederation (企联)")
    JUDICIAL_OFFICE = "judicial_office", _("Judicial office (司法所)")
    SOCIAL_SECURITY_OFFICE = "social_security", _("Social security office (社保所)")
    GOVERNANCE_OFFICE = "governance", _("Comprehensive governance office (综治办)")
    EMPLOYER = "employer", _("Employer or institution (企事业单位)")


class PartnerBody(models.Model):
    """A partner of the linkage mechanism, attached to the union unit whose area it serves."""

    scope_paths = ("unit__region_path", "unit__industry_path")

    kind = models.CharField(_("kind"), max_length=16, choices=PartnerKind.choices)
    name = models.CharField(_("name"), max_length=120)
    unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("union unit"))
    contact_person = models.CharField(_("contact person"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    #: Optimistic lock: an edit based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("partner body")
        verbose_name_plural = _("partner bodies")
        ordering = ["unit__code", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="unique_partner_name_per_unit")]

    def __str__(self) -> str:
        return self.name


class Direction(models.TextChoices):
    OUTGOING = "out", _("Referred to the partner")
    INCOMING = "in", _("Received from the partner")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    CONCLUDED = "concluded", _("Concluded")
    DECLINED = "declined", _("Declined")


FINAL_STATUSES = frozenset({ReferralStatus.CONCLUDED, ReferralStatus.DECLINED})


class Referral(models.Model):
    """One case referred to, or received from, a partner body, with its outcome."""

    case = models.ForeignKey("workflow.Case", models.PROTECT, null=True, blank=True, related_name="referrals",
                             verbose_name=_("case"))
    #: The union unit that recorded it (scopes an incoming referral before it is linked to a case).
    unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("recorded by unit"))
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    partner = models.ForeignKey(PartnerBody, models.PROTECT, related_name="referrals", verbose_name=_("partner"))
    referred_on = models.DateField(_("date"))
    reason = models.TextField(_("reason"))
    contact = models.CharField(_("contact at the partner"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ReferralStatus.choices)
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    amount = money_field(_("amount recovered (yuan)"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    #: Optimistic lock: every change bumps it; a change based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-id"]
        indexes = [models.Index(fields=["status", "referred_on"]), models.Index(fields=["unit", "case"])]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.partner} {self.referred_on}"

    @classmethod
    def scope_filter(cls, scope) -> Q:
        """Scoped through the case (who may read the case may read its referrals); unlinked: by the unit."""
        from unionserve.core import tree
        from unionserve.workflow.models import Case

        # Through Case's own scope rule (units taking part; a personal scope narrows to the person's cases).
        linked = Q(case__in=scope.filter(Case.objects.all()).values("pk"))
        own = Q(pk__in=[])
        if not getattr(scope, "personal_user_id", None):
            if scope.region_path:
                own |= tree.subtree_q("unit__region_path", scope.region_path)
            if scope.industry_path:
                own |= tree.subtree_q("unit__industry_path", scope.industry_path)
        return linked | (Q(case__isnull=True) & own)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES
