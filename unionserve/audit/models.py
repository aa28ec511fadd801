"""The audit log: one append-only table for logins, access changes and personal-data access."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .display import readable


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logout")
    LOCKED_OUT = "locked_out", _("Account locked out")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET = "password_reset", _("Password reset by administrator")
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Two-factor login set up")
    TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor login reset by administrator")
    USER_CREATED = "user_created", _("User created")
    USER_UPDATED = "user_updated", _("User updated")
    USER_DEACTIVATED = "user_deactivated", _("User deactivated")
    USER_REACTIVATED = "user_reactivated", _("User reactivated")
    ROLE_GRANTED = "role_granted", _("Role granted")
    ROLE_REVOKED = "role_revoked", _("Role revoked")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    UNIT_CHANGED = "unit_changed", _("Org unit changed")
    CALENDAR_CHANGED = "calendar_changed", _("Working-day calendar changed")
    PERSONAL_DATA_VIEWED = "pii_viewed", _("Unmasked personal data viewed")
    PERSONAL_DATA_EXPORTED = "pii_exported", _("Unmasked personal data exported")
    AUDIT_EXPORTED = "audit_exported", _("Audit log exported")
    OUTBOX_RETRIED = "outbox_retried", _("Failed notifications retried")
    MEMBERS_IMPORTED = "members_imported", _("Members imported")
    EMPLOYERS_IMPORTED = "employers_imported", _("Employers imported")
    # The retention of import files (members.importing.retention): what was deleted, when.
    IMPORT_FILES_DELETED = "import_files_deleted", _("Import files deleted")
    MEMBER_UPDATED = "member_updated", _("Member updated")
    MEMBER_TRANSFERRED = "member_transferred", _("Member transferred")
    MEMBERS_MERGED = "members_merged", _("Members merged")
    SPECIAL_GROUP_CHANGED = "special_group_changed", _("Special group changed")
    DQ_RECOMPUTED = "dq_recomputed", _("Data-quality rates recomputed")
    DQ_POLICY_ADDED = "dq_policy_added", _("Data-quality policy added")
    DQ_SAMPLE_RUN_CREATED = "dq_sample_run_created", _("Sample-check run created")
    DQ_SAMPLE_RECORDED = "dq_sample_recorded", _("Sample-check result recorded")
    # 12351 platform, knowledge base, broadcasts (hotline, knowledge apps).
    CATEGORY_CHANGED = "category_changed", _("Request category changed")
    ARTICLE_CHANGED = "article_changed", _("Knowledge article changed")
    BROADCAST_SENT = "broadcast_sent", _("Broadcast appeal sent")
    STATISTICS_EXPORTED = "stats_exported", _("Statistics exported")
    # Mediation and legal aid (mediation, legalaid, documents apps).
    DOCUMENT_GENERATED = "document_generated", _("Document generated")
    DOCUMENT_TEMPLATE_CHANGED = "doc_template_changed", _("Document template changed")
    LAW_FIRM_CHANGED = "law_firm_changed", _("Law firm or lawyer changed")
    MEDIATOR_CHANGED = "mediator_changed", _("Mediator changed")
    ELIGIBILITY_OVERRIDDEN = "eligibility_overridden", _("Eligibility criterion overridden")
    # Every case opened or acted on through the workflow engine, in every process (detail: case, action, states).
    CASE_ACTION = "case_action", _("Case action")
    POLICY_PROPOSED = "policy_proposed", _("Policy change proposed")
    POLICY_APPROVED = "policy_approved", _("Policy change approved")
    POLICY_REJECTED = "policy_rejected", _("Policy change rejected")
    POLICY_WITHDRAWN = "policy_withdrawn", _("Policy change withdrawn")
    # Service projects (projects app): the merchant register, the survey, members' ratings and survey answers.
    MERCHANT_CHANGED = "merchant_changed", _("Merchant changed")
    SURVEY_CHANGED = "survey_changed", _("Worker-needs survey changed")
    PROJECT_FEEDBACK = "project_feedback", _("Project rated or survey answered")
    # The Jingka card (cards app): a card's change of state, a bank batch sent or its result applied.
    CARD_CHANGED = "card_changed", _("Jingka card changed")
    CARD_BATCH = "card_batch", _("Jingka card batch")
    # Card payouts (payouts app).
    PAYOUT_BATCH_BUILT = "payout_batch_built", _("Payout batch built")
    PAYOUT_FILE_WRITTEN = "payout_file_written", _("Bank payout file written")
    PAYOUT_FILE_DOWNLOADED = "payout_file_downloaded", _("Bank payout file downloaded")
    PAYOUT_RESULT_RECEIVED = "payout_result_received", _("Bank result file received")
    PAYOUT_RESULT_APPLIED = "payout_result_applied", _("Bank result file applied")
    PAYOUT_RESULT_REFUSED = "payout_result_refused", _("Bank result file refused")
    # Served visits (visits app).
    VISITS_IMPORTED = "visits_imported", _("Swipe file imported")
    VISITS_ACTIVITY = "visits_activity", _("Activity created")
    VISITS_SIGNED_IN = "visits_signed_in", _("Member signed in at an activity")
    # Mutual aid (mutualaid app).
    MUTUALAID_ENROLLED = "mutualaid_enrolled", _("Mutual-aid enrolment")
    MUTUALAID_CARDS_EXPORTED = "mutualaid_cards_exported", _("Card holders exported for the medical plan")
    MUTUALAID_BATCH_IMPORTED = "mutualaid_batch_imported", _("Medical expense file imported")
    MUTUALAID_LINE_CLEARED = "mutualaid_line_cleared", _("Medical line cleared in review")
    MUTUALAID_LINE_REFUSED = "mutualaid_line_refused", _("Medical line refused in review")
    MUTUALAID_FIRST_REVIEW = "mutualaid_first_review", _("Medical batch: first review done")
    MUTUALAID_BATCH_RETURNED = "mutualaid_batch_returned", _("Medical batch sent back")
    MUTUALAID_BATCH_APPROVED = "mutualaid_batch_approved", _("Medical batch approved")
    MUTUALAID_CLAIM_DOCUMENTS = "claim_documents", _("Mutual-aid claim documents checked")
    # Assistance (assistance app).
    HARDSHIP_APPLIED = "hardship_applied", _("Hardship file applied for")
    HARDSHIP_DECIDED = "hardship_decided", _("Hardship file decided")
    HARDSHIP_RECHECKED = "hardship_rechecked", _("Hardship file re-checked")
    HARDSHIP_EXPIRED = "hardship_expired", _("Hardship file expired")
    WARM_FUND_ENTRY = "warm_fund_entry", _("Warm fund entry")
    ASSIST_PROGRAM_CHANGED = "assist_program_changed", _("Assistance program changed")
    NOMINATION_CHANGED = "nomination_changed", _("Nomination list changed")
    EMERGENCY_AID_DECIDED = "emergency_aid_decided", _("Emergency aid decided")
    SKILLS_BOOST_CHANGED = "skills_boost_changed", _("Skills boost application changed")
    # Service stations (stations app).
    STATION_CHANGED = "station_changed", _("Station profile changed")
    STATION_WORKER = "station_worker", _("Station staff changed")
    STATION_TRAINING = "station_training", _("Training recorded")
    STATION_REPORT = "station_report", _("Station monthly report")
    STATION_MONEY = "station_money", _("Station money entry")
    STATION_MEETING = "station_meeting", _("Linkage day or meeting recorded")


class AppendOnlyError(RuntimeError):
    """Audit events are never changed or deleted."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def delete(self):
        raise AppendOnlyError("The audit log is append-only.")


class AuditEvent(models.Model):
    """Who did what to which object, when, from where. Rows are only ever inserted."""

    # Scoped by the org unit the event concerns (the object's unit, else the actor's).
    scope_paths = ("unit__region_path", "unit__industry_path")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=24, choices=AuditAction.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("actor")
    )
    # Kept as text so the record survives the account and names failed logins of unknown users.
    actor_username = models.CharField(_("user name"), max_length=150, blank=True, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "orgs.OrgUnit", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("org unit")
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The audit log is append-only.")

    def detail_fields(self) -> list[tuple[str, str]]:
        """The detail as (label, value) pairs for people to read (see audit.display)."""
        return readable(self.detail)
