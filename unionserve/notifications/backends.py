"""Delivery backends, chosen per channel by a setting, like Django's EMAIL_BACKEND.

    UNIONSERVE_NOTIFICATION_BACKENDS = {"sms": "file", "email": "django", "in_app": "in_app"}

A name is looked up in BACKENDS (a dotted path to a class also works). A backend's `send(notification)`
returns when the message was handed over and raises DeliveryError (retried later) or
PermanentDeliveryError (failed at once: retrying cannot help).
"""

from __future__ import annotations

import json
import logging
import sys
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import Notification

logger = logging.getLogger(__name__)

DEFAULT_BACKENDS = {"sms": "file", "email": "django", "in_app": "in_app"}


class DeliveryError(Exception):
    """Sending failed for now; the outbox tries again later."""


class PermanentDeliveryError(DeliveryError):
    """Sending can never succeed (e.g. the gateway rejects the number); the row fails without retries."""


class Backend:
    """Base class. `has_side_effects` is False when sending twice would do no harm (in-app rows)."""

    has_side_effects = True

    def send(self, notification: Notification) -> None:
        raise NotImplementedError


class InAppBackend(Backend):
    """The row itself is the message the user reads; nothing leaves the database."""

    has_side_effects = False

    def send(self, notification: Notification) -> None:
        return None


class ConsoleBackend(Backend):
    """Prints each message to standard output (development)."""

    def send(self, notification: Notification) -> None:
        n = notification
        sys.stdout.write(f"[{n.channel} → {n.to_address or n.recipient_key}] {n.subject}\n{n.body}\n{'-' * 40}\n")
        sys.stdout.flush()


def _as_record(n: Notification) -> dict[str, Any]:
    return {
        "id": n.pk, "at": timezone.now().isoformat(), "event": n.event, "channel": n.channel,
        "to": n.to_address, "recipient": n.recipient_key, "subject": n.subject, "body": n.body, "link": n.link,
    }


class FileBackend(Backend):
    """Appends one JSON line per message to VAR_DIR/outbox/<channel>.jsonl (the default for SMS in development)."""

    def send(self, notification: Notification) -> None:
        directory = settings.VAR_DIR / "outbox"
        directory.mkdir(parents=True, exist_ok=True)
        line = json.dumps(_as_record(notification), ensure_ascii=False) + "\n"
        # One write of one line in append mode: lines from concurrent workers do not interleave.
        with open(directory / f"{notification.channel}.jsonl", "a", encoding="utf-8") as f:
            f.write(line)


class DjangoMailBackend(Backend):
    """E-mail through django.core.mail, so EMAIL_BACKEND decides how (SMTP, console, locmem in tests)."""

    def send(self, notification: Notification) -> None:
        if not notification.to_address:
            raise PermanentDeliveryError("no e-mail address")
        body = notification.body
        site = getattr(settings, "UNIONSERVE_SITE_URL", "")
        if site and notification.link:
            body = f"{body}\n\n{site.rstrip('/')}{notification.link}"
        try:
            send_mail(notification.subject, body, None, [notification.to_address], fail_silently=False)
        except OSError as exc:  # smtplib's errors are OSErrors
            raise DeliveryError(f"e-mail: {exc}") from exc


class HttpSmsBackend(Backend):
    """Posts each SMS as JSON to the gateway in UNIONSERVE_SMS_GATEWAY = {"url", "token", "sign", "timeout"}.

    Request: POST url, `Authorization: Bearer <token>`, `Idempotency-Key: unionserve-notification-<id>`
    (so a gateway can drop a repeat after a lost answer), body
    {"id": <notification id>, "phone": "...", "sign": "【北京市总工会】", "content": "<text without the sign>"}.
    Any 2xx is success; 4xx other than 408/429 is permanent; other statuses and network errors are retried.
    """

    def __init__(self) -> None:
        config = getattr(settings, "UNIONSERVE_SMS_GATEWAY", None) or {}
        self.url = config.get("url", "")
        if not self.url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("UNIONSERVE_SMS_GATEWAY['url'] must be an http(s) URL.")
        self.token = config.get("token", "")
        self.sign = config.get("sign", "")
        self.timeout = float(config.get("timeout", 10))

    def send(self, notification: Notification) -> None:
        if not notification.to_address:
            raise PermanentDeliveryError("no phone number")
        payload = {"id": notification.pk, "phone": notification.to_address, "sign": self.sign,
                   "content": notification.body}
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked in __init__)
            self.url, data=json.dumps(payload, ensure_ascii=False).encode("utf-8"), method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {self.token}",
                     "Idempotency-Key": f"unionserve-notification-{notification.pk}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (scheme checked)
                response.read()
        except urllib.error.HTTPError as exc:
            detail = f"SMS gateway answered {exc.code}: {exc.read(500).decode('utf-8', 'replace')}"
            permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
            raise (PermanentDeliveryError if permanent else DeliveryError)(detail) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise DeliveryError(f"SMS gateway unreachable: {exc}") from exc


BACKENDS: dict[str, type[Backend]] = {
    "in_app": InAppBackend,
    "console": ConsoleBackend,
    "file": FileBackend,
    "django": DjangoMailBackend,
    "http_sms": HttpSmsBackend,
}


def backend_name(channel: str) -> str:
    """The configured backend name for a channel."""
    configured = {**DEFAULT_BACKENDS, **getattr(settings, "UNIONSERVE_NOTIFICATION_BACKENDS", {})}
    return configured[channel]


def backend_for(channel: str) -> Backend:
    """A ready backend for a channel; ImproperlyConfigured for an unknown name or incomplete settings."""
    name = backend_name(channel)
    cls = BACKENDS.get(name)
    if cls is None:
        if "." not in name:
            raise ImproperlyConfigured(f"Unknown notification backend {name!r} for {channel}; "
                                       f"known: {', '.join(sorted(BACKENDS))}.")
        cls = import_string(name)
    return cls()
