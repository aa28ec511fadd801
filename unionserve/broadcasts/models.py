"""Broadcast appeals (群发短信): one message sent by SMS to the members a city-office user selects.

Seed 003 §二: the city federation's blood-donation appeal reached hundreds of thousands of members by SMS
within hours. A broadcast holds the text, the selection criteria (members.search filters, applied through the
sender's scope), what the sender confirmed (the count), and how far the sending has come. Outbox rows
(notifications.Notification, event "broadcast") carry ``dedupe_key = "broadcast:<pk>"``, so one member gets
one message per broadcast however often a batch is retried, and the delivery counts are one indexed GROUP BY.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionserve.core.progress import DONE, RUNNING, STOPPED, Progress


class BroadcastStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    CONFIRMED = "confirmed", _("Confirmed")
    SENDING = "sending", _("Sending")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Broadcast(models.Model):
    """One appeal: its text, whom it goes to (criteria), the confirmed count and the sending progress."""

    # Scoped by the sender's unit: a broadcast is seen by those whose scope contains that unit.
    scope_paths = ("unit__region_path", "unit__industry_path")
    OPEN = (BroadcastStatus.CONFIRMED, BroadcastStatus.SENDING)

    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("message text"))
    criteria = models.JSONField(_("criteria"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name=_("created by"))
    unit = models.ForeignKey("orgs.OrgUnit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    status = models.CharField(_("status"), max_length=10, choices=BroadcastStatus.choices,
                              default=BroadcastStatus.DRAFT)
    #: Messages per minute this broadcast is queued at (settings.UNIONSERVE["BROADCAST_RATE_PER_MINUTE"]).
    rate_per_minute = models.PositiveIntegerField(_("messages per minute"), default=0)
    #: What the sender confirmed: members selected with a mobile (recipients) and without one (skipped).
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    without_phone = models.PositiveIntegerField(_("without a mobile (skipped)"), default=0)
    #: Members created after the confirmation are not added to a broadcast already under way.
    max_member_id = models.BigIntegerField(default=0)
    #: The last member (by pk) whose message is in the outbox; the next batch starts after it.
    cursor = models.BigIntegerField(default=0)
    queued = models.PositiveIntegerField(_("queued"), default=0)
    windows = models.PositiveIntegerField(default=0)
    #: When the next window's messages fall due: one minute after the previous window's, never earlier.
    next_due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("all queued"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    #: Who confirmed it: the selection is evaluated in this user's scope by the background task.
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("confirmed by"))
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("cancelled by"))
    message = models.TextField(_("message"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("broadcast appeal")
        verbose_name_plural = _("broadcast appeals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "-created_at"], name="broadcast_unit_created")]

    def __str__(self) -> str:
        return self.title

    @property
    def dedupe_key(self) -> str:
        """The key on every outbox row of this broadcast."""
        return f"broadcast:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def progress(self) -> Progress:
        """Messages written to the outbox of the recipients confirmed (core.progress)."""
        finished = self.status == BroadcastStatus.DONE or bool(self.enqueued_at and not self.recipients)
        state = RUNNING if self.is_open else DONE if finished else STOPPED
        return Progress(self.queued, self.recipients, finished=finished, state=state)

    @property
    def percent_queued(self) -> int:
        return self.progress.percent
