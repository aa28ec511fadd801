"""The outbox: one row per message to one recipient on one channel (in-app, SMS, e-mail).

Rows are written in the transaction of the change they report (api.notify) and delivered afterwards by
the `deliver_pending` task (delivery.py), so a change that rolls back notifies nobody. See
docs/decisions/0008-notifications.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In-app")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    # Claimed by one worker that is sending it now; nobody else may take it (see delivery.claim).
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class Priority(models.IntegerChoices):
    # Workflow messages go before bulk broadcasts: a million-SMS appeal must not delay a dispatch by a day.
    NORMAL = 0, _("Normal")
    BULK = 9, _("Bulk")


class NotificationQuerySet(models.QuerySet):
    def in_app_for(self, user) -> NotificationQuerySet:
        """A user's own in-app notifications (pending ones included: the row itself is the message)."""
        return self.filter(recipient_user=user, channel=Channel.IN_APP).exclude(status=Status.CANCELLED)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one recipient on one channel, with its delivery state."""

    # Scoped by the recipient's unit: an operator sees the outbox of their part of the tree.
    scope_paths = ("recipient_unit__region_path", "recipient_unit__industry_path")

    event = models.CharField(_("event"), max_length=40)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True, related_name="notifications",
        verbose_name=_("recipient"),
    )
    recipient_unit = models.ForeignKey(
        "orgs.OrgUnit", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("recipient unit"),
    )
    # "user:<id>" or "unit:<id>": never NULL, so the dedupe constraint holds for unit-level rows too
    # (NULLs are distinct in unique constraints on both SQLite and PostgreSQL).
    recipient_key = models.CharField(max_length=24)
    to_address = models.CharField(_("address"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("message text"))
    link = models.CharField(_("link"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        constraints = [
            # The overdue sweep may run twice: the same key reaches each recipient on each channel once.
            models.UniqueConstraint(
                fields=["dedupe_key", "channel", "recipient_key"], condition=Q(dedupe_key__isnull=False),
                name="notification_dedupe",
            ),
        ]
        indexes = [
            # Partial indexes stay small while millions of sent rows pile up.
            models.Index(fields=["priority", "next_attempt_at"], condition=Q(status="pending"),
                         name="notification_due"),
            models.Index(fields=["claimed_at"], condition=Q(status="sending"), name="notification_sending"),
            models.Index(fields=["recipient_user", "status"], condition=Q(channel="in_app", read_at__isnull=True),
                         name="notification_unread"),
            # The SMS rate limit counts what went out in the last minute.
            models.Index(fields=["sent_at"], condition=Q(channel="sms"), name="notification_sms_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient_key} ({self.channel}, {self.status})"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def masked_address(self) -> str:
        """The address with its middle hidden (phone numbers and e-mail addresses are personal data)."""
        from unionserve.pii import mask_address

        return mask_address(self.to_address)
