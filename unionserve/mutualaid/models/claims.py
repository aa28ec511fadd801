"""Accident, death and home fire-loss claims (000 §四.8, 002 §二(七)).

One `Claim` per case of the `mutualaid_claim` process (the engine holds the state, the steps and the
timeline): what the station collected, what the district agency signed, what the mutual-insurance office
decided with the policy versions it used, and when the bank paid the member's card. One claim per person,
event type and event date (a database constraint).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core.money import money_field

__all__ = ["Claim", "ClaimType", "Document", "RefusalReason", "DOCUMENTS_BY_TYPE"]


class ClaimType(models.TextChoices):
    DISABILITY = "disability", pgettext_lazy("claim type", "Disability after a non-work accident")
    DEATH = "death", pgettext_lazy("claim type", "Death after a non-work accident")
    FIRE = "fire", pgettext_lazy("claim type", "Home fire loss")


class Document(models.TextChoices):
    """The papers a station collects (the checklist per claim type is DOCUMENTS_BY_TYPE)."""

    APPLICATION = "application", _("Claim application form signed by the member")
    ID_CARD = "id_card", _("Copy of the identity card")
    JINGKA = "jingka", _("Copy of the Jingka card")
    UNIT_PROOF = "unit_proof", _("Union's proof of membership")
    ACCIDENT_PROOF = "accident_proof", _("Proof of the accident (police or unit report)")
    MEDICAL_RECORDS = "medical_records", _("Medical records and diagnosis")
    DISABILITY_ASSESSMENT = "disability_assessment", _("Disability assessment with the grade")
    DEATH_CERTIFICATE = "death_certificate", _("Death certificate")
    HEIR_PROOF = "heir_proof", _("Proof of the beneficiary's relationship")
    FIRE_REPORT = "fire_report", _("Fire brigade's fire report")
    LOSS_LIST = "loss_list", _("List and assessment of the property lost")
    RESIDENCE_PROOF = "residence_proof", _("Proof of residence at the burnt home")


_COMMON = (Document.APPLICATION, Document.ID_CARD, Document.JINGKA, Document.UNIT_PROOF)
#: What a complete claim holds, by type (the station ticks them; a claim cannot be sent up with one missing).
DOCUMENTS_BY_TYPE: dict[str, tuple[str, ...]] = {
    ClaimType.DISABILITY: (*_COMMON, Document.ACCIDENT_PROOF, Document.MEDICAL_RECORDS,
                           Document.DISABILITY_ASSESSMENT),
    ClaimType.DEATH: (*_COMMON, Document.ACCIDENT_PROOF, Document.DEATH_CERTIFICATE, Document.HEIR_PROOF),
    ClaimType.FIRE: (*_COMMON, Document.FIRE_REPORT, Document.LOSS_LIST, Document.RESIDENCE_PROOF),
}


class RefusalReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", _("Not covered by the plan on the event date")
    WORK_INJURY = "work_injury", _("A work injury (covered by work-injury insurance)")
    NOT_ACCIDENT = "not_accident", _("Not an accident (illness or intent)")
    DOCUMENTS = "documents", _("Documents missing or not genuine")
    NO_LOSS = "no_loss", _("No disability or loss proven")
    OVER_CAP = "over_cap", _("Amount asked above the plan's cap")
    OTHER = "other", _("Other")


class Claim(models.Model):
    """A member's claim for one event; the engine's case carries the state."""

    case = models.OneToOneField("workflow.Case", models.PROTECT, related_name="mutualaid_claim")
    member = models.ForeignKey("members.Member", models.PROTECT, related_name="mutualaid_claims")
    claim_type = models.CharField(_("claim type"), max_length=12, choices=ClaimType.choices)
    event_date = models.DateField(_("event date"))
    event_summary = models.TextField(_("what happened"), max_length=2000)
    #: The station that collected the claim (三级工作平台).
    station = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("station"))
    documents = models.JSONField(_("documents collected"), default=list, blank=True)
    disability_grade = models.PositiveSmallIntegerField(_("disability grade"), null=True, blank=True)
    assessed_loss = money_field(_("assessed loss"), null=True, blank=True)
    district_opinion = models.TextField(_("district agency's opinion"), blank=True, max_length=2000)
    signed_at = models.DateTimeField(_("signed by the district at"), null=True, blank=True)
    amount = money_field(_("amount decided"), null=True, blank=True)
    #: The policy versions the decision used (cap, grade share): key → PolicyValue.as_record().
    policy_record = models.JSONField(_("policy versions used"), default=dict, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    refusal_reasons = models.JSONField(_("reasons for refusal"), default=list, blank=True)
    refusal_text = models.TextField(_("refusal explained"), blank=True, max_length=2000)
    payment_requested_at = models.DateTimeField(_("payment asked at"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "claim_type", "event_date"],
                                    name="mutualaid_claim_one_per_event"),
            models.CheckConstraint(condition=Q(disability_grade__isnull=True) | Q(disability_grade__gte=1,
                                                                                  disability_grade__lte=10),
                                   name="mutualaid_claim_grade_range"),
        ]
        indexes = [models.Index(fields=["claim_type", "event_date"]), models.Index(fields=["decided_at"])]

    def __str__(self) -> str:
        return f"{self.case.number} {self.get_claim_type_display()}"

    @classmethod
    def scope_filter(cls, scope) -> Q:
        """A claim is seen where its case is: by every unit that takes part (station, district, the office)."""
        from unionserve.workflow.models import Case, CaseAccess

        q = Q(Exists(scope.filter(CaseAccess.objects.filter(case=OuterRef("case_id")))))
        if getattr(scope, "personal_user_id", None) is not None:
            q &= Q(case__in=scope.filter(Case.objects.all()))
        return q

    @property
    def missing_documents(self) -> list[str]:
        """The checklist items of the claim's type not ticked."""
        have = set(self.documents or [])
        return [d for d in DOCUMENTS_BY_TYPE.get(self.claim_type, ()) if d not in have]

    def documents_display(self) -> list[tuple[str, bool]]:
        """(label, collected) for each item of the type's checklist."""
        have = set(self.documents or [])
        return [(str(Document(d).label), d in have) for d in DOCUMENTS_BY_TYPE.get(self.claim_type, ())]

    def refusal_reasons_display(self) -> list[str]:
        labels = dict(RefusalReason.choices)
        return [str(labels.get(r, r)) for r in self.refusal_reasons or []]
