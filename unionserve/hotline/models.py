"""12351 worker service platform: the category tree and the requests (诉求) taken by phone, window and portal.

A request's lifecycle is the engine's Case (one-to-one); this module keeps the request's own data: who called
(personal data encrypted, hashed and masked exactly as members.Member does), what about, and the facts the
statistics need (first response, resolved, satisfaction, feedback on time) — see docs/hotline.md.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionserve.core import roles


class Category(models.Model):
    """A request category (诉求分类), in a tree; the city office maintains it.

    A category may name the department or the platform level that usually handles its affairs, which the
    workbench uses to suggest where to dispatch.
    """

    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent category"))
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    default_unit = models.ForeignKey("orgs.OrgUnit", models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name=_("default handling unit"))
    default_level = models.PositiveSmallIntegerField(
        _("default handling level"), null=True, blank=True,
        choices=[(1, _("Level 1 (functional department)")), (2, _("Level 2 (district)")),
                 (3, _("Level 3 (station)"))])
    #: Optimistic lock: two office users never overwrite each other's edit unnoticed.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("request category")
        verbose_name_plural = _("request categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Kind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation (咨询件)")
    AFFAIR = "affair", _("Affair (事务件)")


class Channel(models.TextChoices):
    """Where the request came in (the same codes as workflow.Channel)."""

    PHONE = "phone", _("Phone")
    WINDOW = "window", _("Service window")
    WEB = "web", _("Member portal")


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Neutral")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class SatisfactionSource(models.TextChoices):
    CALLBACK = "callback", _("Callback by the platform")
    PORTAL = "portal", _("Rated on the member portal")


class HotlineRequest(models.Model):
    """A worker's request (诉求) to the 12351 platform; its lifecycle is the engine's Case (one-to-one).

    The fields below "facts for statistics" are written by the process effects and never edited by hand;
    docs/hotline.md lists them for the statistics module. Their names are stable.
    """

    case = models.OneToOneField("workflow.Case", models.CASCADE, related_name="hotline_request")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.ForeignKey(Category, models.PROTECT, related_name="requests", verbose_name=_("category"))
    description = models.TextField(_("description"))
    # The caller. Phone and ID number are sealed by unionserve.pii exactly like members.Member's.
    caller_name = models.CharField(_("caller name"), max_length=60)
    caller_phone_hash = models.CharField(max_length=32)
    caller_phone_encrypted = models.TextField()
    caller_phone_masked = models.CharField(_("caller phone"), max_length=11)
    caller_id_hash = models.CharField(max_length=32, blank=True)
    caller_id_encrypted = models.TextField(blank=True)
    caller_id_masked = models.CharField(_("caller ID number"), max_length=18, blank=True)
    member = models.ForeignKey("members.Member", models.SET_NULL, null=True, blank=True,
                               related_name="hotline_requests", verbose_name=_("member"))
    #: Given to the caller; with the phone number it lets them follow the request on the portal.
    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    received_by = models.ForeignKey("accounts.User", models.SET_NULL, null=True, blank=True, related_name="+",
                                    db_index=False)  # the (received_by, received_at) index leads with it
    received_unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+",
                                      verbose_name=_("received at"))

    # --- the answer (consultation) and the feedback (affair) ----------------------------------------
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_unit = models.ForeignKey("orgs.OrgUnit", models.SET_NULL, null=True, blank=True, related_name="+",
                                      verbose_name=_("answered by unit"))
    feedback = models.TextField(_("feedback"), blank=True)

    # --- facts for statistics (see docs/hotline.md; names are stable) ----------------------------------
    #: Consultation sent to a specialist department because the agent could not answer it.
    escalated = models.BooleanField(default=False)
    #: First time someone responded: an answer (consultation), or the handler signing for it / feeding back.
    first_response_at = models.DateTimeField(null=True, blank=True)
    #: Affair: when the (last) handling unit fed back (回单), the due time that applied, and whether every
    #: handling unit fed back by its due time (extensions count).
    feedback_at = models.DateTimeField(null=True, blank=True)
    feedback_due_at = models.DateTimeField(null=True, blank=True)
    feedback_on_time = models.BooleanField(null=True, blank=True)
    #: Whether the matter was solved: the handler says so on feedback; a consultation answered is resolved.
    resolved = models.BooleanField(null=True, blank=True)
    callback_at = models.DateTimeField(null=True, blank=True)
    callback_note = models.TextField(blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=16, choices=Satisfaction.choices, blank=True)
    satisfaction_reason = models.TextField(_("reason for dissatisfaction"), blank=True)
    satisfaction_source = models.CharField(max_length=10, choices=SatisfactionSource.choices, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    #: Times the affair went back to handling because the caller was unsatisfied (不满意重办).
    redo_count = models.PositiveSmallIntegerField(default=0)
    #: When the answer/feedback was archived with the request (closed); cleared on reopening.
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("12351 request")
        verbose_name_plural = _("12351 requests")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["caller_phone_hash", "-received_at"], name="hotline_phone"),
            models.Index(fields=["member", "-received_at"], name="hotline_member"),
            models.Index(fields=["caller_id_hash"], name="hotline_id"),
            models.Index(fields=["received_at"], name="hotline_received"),
            models.Index(fields=["kind", "received_at"], name="hotline_kind"),
            # The workbench's "my recent requests": an agent takes ~20,000 a year; newest 10 by index order.
            models.Index(fields=["received_by", "-received_at"], name="hotline_received_by"),
        ]

    #: Personal fields → their ciphertext column, for `pii.reveal`.
    pii_fields = {"phone": "caller_phone_encrypted", "id_number": "caller_id_encrypted"}
    #: Besides VIEW_PII, the 12351 platform's agents may see a caller's contact in full inside their scope:
    #: they call the caller back (seed 000 §四.1 回访); and a unit handling a dispatched affair, which verifies
    #: it with the caller (CONTACT_CALLERS; the request's scope is the cases its unit takes part in).
    pii_reveal_permissions = (roles.HANDLE_HOTLINE, roles.CONTACT_CALLERS)

    def __str__(self) -> str:
        return self.tracking_code

    @classmethod
    def scope_filter(cls, scope) -> models.Q:
        """A request is visible where its case is: any unit taking part in the case lies in the scope, and for a
        personal scope (a mediator or lawyer) only when the case is theirs (`Case.scope_filter`'s own rule)."""
        from django.db.models import Exists, OuterRef

        from unionserve.workflow.models import Case, CaseAccess

        if getattr(scope, "personal_user_id", None) is not None:
            return models.Q(Exists(scope.filter(Case.objects.filter(pk=OuterRef("case_id")))))
        return models.Q(Exists(scope.filter(CaseAccess.objects.filter(case=OuterRef("case_id")))))
