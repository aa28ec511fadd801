"""The case core shared by every process: cases, their steps, who may see them, and the timeline."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web")
    WINDOW = "window", _("Service window")
    INTERNAL = "internal", _("Internal")


class Priority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user) -> CaseQuerySet:
        from unionserve.core.scope import scope_of

        return scope_of(user).filter(self)

    def open(self) -> CaseQuerySet:
        return self.filter(closed_at__isnull=True)


class Case(models.Model):
    """One case of any process: its lifecycle, whom it concerns, where it is now.

    Process-specific data lives in the process's own models (one-to-one with Case).
    """

    number = models.CharField(_("number"), max_length=20, unique=True)
    process = models.CharField(_("process"), max_length=20, db_index=True)
    state = models.CharField(_("state"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    owner_unit = models.ForeignKey(
        "orgs.OrgUnit", models.PROTECT, related_name="owned_cases", verbose_name=_("opened by unit")
    )
    current_unit = models.ForeignKey(
        "orgs.OrgUnit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("handling unit")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("assignee")
    )
    # Whom it concerns. The member register (its own issue) adds a member link in its own model.
    subject_name = models.CharField(_("concerns"), max_length=100, blank=True)
    employer = models.ForeignKey(
        "orgs.OrgUnit", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("employer")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.INTERNAL)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    #: Optimistic lock: every action bumps it; an action based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    #: Working days used in a state before its clock was paused: {state: days}.
    clock = models.JSONField(default=dict, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["process", "state"]), models.Index(fields=["opened_at"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @classmethod
    def scope_filter(cls, scope) -> Q:
        """A case is visible where any unit that takes part in it (owner, handler, filed-to) is in scope.

        A personal scope (a user who is only a mediator or lawyer) narrows this further to the cases the
        user takes part in: assignee of the case or of one of its steps (open or done).
        """
        q = Q(Exists(scope.filter(CaseAccess.objects.filter(case=OuterRef("pk")))))
        uid = getattr(scope, "personal_user_id", None)
        if uid is not None:
            q &= Q(assignee_id=uid) | Q(Exists(Step.objects.filter(case=OuterRef("pk"), assignee_id=uid)))
        return q

    @property
    def definition(self):
        from .registry import registry

        return registry.get(self.process)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def state_label(self) -> str:
        try:
            return str(self.definition.state(self.state).label)
        except KeyError:
            return self.state


class AccessKind(models.TextChoices):
    OWNER = "owner", _("Opened it")
    HANDLER = "handler", _("Handles it")
    FILED = "filed", _("Filing copy")


class CaseAccess(models.Model):
    """A unit that takes part in a case. Reading a case is allowed where one of its units is in scope."""

    scope_paths = ("unit__region_path", "unit__industry_path")

    case = models.ForeignKey(Case, models.CASCADE, related_name="access")
    unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=8, choices=AccessKind.choices)
    at = models.DateTimeField(default=timezone.now)
    #: Copied from the case (closed_at is null), so a unit's open filing copies are one index range.
    case_open = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "unit", "kind"], name="unique_case_access")]
        indexes = [
            models.Index(fields=["unit", "kind", "case"]),
            models.Index(fields=["unit", "kind", "-case_open", "-at"], name="access_filed"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.unit_id} {self.kind}"


class StepKind(models.TextChoices):
    WORK = "work", _("Work")
    REVIEW_RETURN = "review_return", _("Rule on a return")
    REVIEW_EXTENSION = "review_extension", _("Decide an extension request")


class StepStatus(models.TextChoices):
    PENDING_SIGN = "pending_sign", _("Waiting to be signed for")
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    RETURNED = "returned", _("Returned")
    REASSIGNED = "reassigned", _("Reassigned")
    ESCALATED = "escalated", _("Escalated")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (StepStatus.PENDING_SIGN, StepStatus.OPEN)


class Step(models.Model):
    """A piece of work one unit must do now on a case, with its own deadline."""

    scope_paths = ("unit__region_path", "unit__industry_path")

    case = models.ForeignKey(Case, models.CASCADE, related_name="steps")
    process = models.CharField(max_length=20)  # copied from the case so inboxes filter without a join
    state = models.CharField(max_length=32)
    kind = models.CharField(max_length=20, choices=StepKind.choices, default=StepKind.WORK)
    # Indexed by the composite indexes below (the plain FK indexes would lure SQLite's planner away from them).
    unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="steps", verbose_name=_("unit"),
                             db_index=False)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    dispatcher_unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, null=True, blank=True, related_name="+",
                                        db_index=False)
    # Indexed by the partial index `step_reviews` below: only review steps have one.
    reviews = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="reviewed_by",
                                db_index=False)
    status = models.CharField(max_length=16, choices=StepStatus.choices, default=StepStatus.OPEN)
    is_open = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    signed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    due_at = models.DateTimeField(null=True, blank=True)
    original_due_at = models.DateTimeField(null=True, blank=True)
    #: The rule and dates the deadline came from (workcalendar DeadlineResult.as_dict()).
    deadline = models.JSONField(default=dict, blank=True)
    #: The policy version that gave the deadline's length (key and number are also in `deadline["policy"]`).
    policy_version = models.ForeignKey("policy.PolicyVersion", models.PROTECT, null=True, blank=True,
                                       related_name="+", db_index=False)
    extended_days = models.PositiveSmallIntegerField(default=0)
    extension_pending = models.BooleanField(default=False)
    overdue = models.BooleanField(default=False)
    overdue_at = models.DateTimeField(null=True, blank=True)
    due_soon_notified = models.BooleanField(default=False)
    urge_count = models.PositiveSmallIntegerField(default=0)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        # Open steps are a small part of all steps: partial indexes on them keep the inbox and the sweep
        # reading only what they show, already in due order (SQLite and PostgreSQL both use them).
        indexes = [
            models.Index(fields=["unit", "due_at"], condition=Q(is_open=True), name="step_inbox"),
            models.Index(fields=["dispatcher_unit", "due_at", "unit"], condition=Q(is_open=True),
                         name="step_watching"),
            models.Index(fields=["unit", "-completed_at"], condition=Q(is_open=False), name="step_done"),
            models.Index(fields=["due_at"], condition=Q(is_open=True), name="step_sweep"),
            # Deleting steps (a case, a load test's clean-up) finds their reviews and timeline entries by these
            # two keys; without them each deleted step scanned the whole table. Partial: most rows have no key.
            models.Index(fields=["reviews"], condition=Q(reviews__isnull=False), name="step_reviews"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}/{self.pk} {self.unit_id} {self.state} {self.status}"

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < timezone.now()

    def remaining(self) -> dt.timedelta | None:
        return None if self.due_at is None else self.due_at - timezone.now()


class CaseEvent(models.Model):
    """The timeline: one row per thing that happened to a case. Append-only."""

    # Only (case, at) is indexed: the timeline is read per case, and the sweep inserts thousands of rows at
    # once (who did what across cases is the audit log's job, not this table's).
    case = models.ForeignKey(Case, models.CASCADE, related_name="events", db_index=False)
    step = models.ForeignKey(Step, models.SET_NULL, null=True, blank=True, related_name="events", db_index=False)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                              db_index=False)
    actor_unit = models.ForeignKey("orgs.OrgUnit", models.SET_NULL, null=True, blank=True, related_name="+",
                                   db_index=False)
    action = models.CharField(max_length=32)
    action_label = models.CharField(max_length=60)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    #: The deadline that applied (or was set) by this event.
    deadline = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="event_timeline"),
                   # See `step_reviews`: deleting a step sets its events' step to NULL, found by this index.
                   models.Index(fields=["step"], condition=Q(step__isnull=False), name="event_step")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("The case timeline is append-only.")
        super().save(*args, **kwargs)


def attachment_path(instance: Attachment, filename: str) -> str:
    """Stored names never come from the user: a random name under the case's month."""
    import uuid
    from pathlib import PurePosixPath

    suffix = PurePosixPath(filename).suffix.lower()[:10]
    now = timezone.now()
    return f"cases/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file added to a case on one of its events."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="attachments")
    event = models.ForeignKey(CaseEvent, models.SET_NULL, null=True, blank=True, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class CaseSequence(models.Model):
    """The last number used per prefix and day, for readable case numbers (RX20261126-0012)."""

    prefix = models.CharField(max_length=4)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="unique_case_sequence")]

    def __str__(self) -> str:
        return f"{self.prefix}{self.day:%Y%m%d}-{self.last}"
