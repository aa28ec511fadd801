"""Writing to the audit log. Every module records through `record`."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditAction, AuditEvent


def client_ip(request) -> str | None:
    """The client's address. Behind a proxy, configure it to set REMOTE_ADDR (see docs/operations.md)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


_ACTIONS = frozenset(AuditAction.values)


def record(
    action: AuditAction | str,
    *,
    actor=None,
    request=None,
    obj: models.Model | None = None,
    unit=None,
    username: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Call inside the transaction of the change it records.

    `unit` is the org unit the event concerns (used to scope who can read it); it defaults to the
    object's own unit, then to the actor's unit.
    """
    if action not in _ACTIONS:
        # An action the log does not name would show as a raw code and may not fit the column (24 characters).
        raise ValueError(f"unknown audit action {action!r}: add it to audit.models.AuditAction")
    if actor is None and request is not None and getattr(getattr(request, "user", None), "is_authenticated", False):
        actor = request.user
    if unit is None and obj is not None:
        unit = _unit_of(obj)
    if unit is None and actor is not None:
        unit = getattr(actor, "org_unit", None)
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_username=username or (actor.get_username() if actor is not None else ""),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        unit=unit,
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "")[:200] if request is not None else ""),
        detail=detail or {},
    )


def _unit_of(obj: models.Model):
    # The log sits below the org tree, so it knows a unit by its label rather than by importing it.
    if obj._meta.label_lower == "orgs.orgunit":
        return obj
    return getattr(obj, "org_unit", None)
