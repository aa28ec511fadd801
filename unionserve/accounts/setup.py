"""The first administrator of a new federation, at the city center, with a one-time password."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core.roles import Role

from .actions import create_user
from .models import User


@dataclass
class FirstAdmin:
    """The administrator and, only when it was just created, its one-time password (shown once, never stored)."""

    user: User
    password: str | None


def one_time_password() -> str:
    """A random password to type once: 16 characters without look-alikes (0/O, 1/l/I)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


@transaction.atomic
def create_first_admin(unit, *, username: str = "admin", display_name: str = "系统管理员") -> FirstAdmin:
    """Create the system administrator at ``unit`` (the city center) unless it, or any administrator, exists.

    The account must change its password at first login, so the printed one is good for one login only.
    Running it again returns the existing account with no password: the first one is never shown twice
    (``manage.py changepassword`` sets a new one).
    """
    existing = User.objects.filter(username__iexact=username).first()
    # Any administrator already there (renamed since, say) means the federation has had its first run.
    existing = existing or (User.objects.filter(role_grants__role=Role.SYSTEM_ADMIN, is_active=True)
                            .order_by("pk").first())
    if existing is not None:
        return FirstAdmin(existing, None)
    password = one_time_password()
    user = create_user(username=username, display_name=display_name, org_unit=unit, roles=[Role.SYSTEM_ADMIN],
                       password=password, must_change_password=True, acting_user=None)
    return FirstAdmin(user, password)


@transaction.atomic
def new_one_time_password(username: str = "admin") -> FirstAdmin:
    """A new one-time password for the administrator (the first one lost), from the server's command line."""
    user = User.objects.get(username__iexact=username)
    password = one_time_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    # No acting user: it was typed on the server; the audit row still says it happened.
    record(AuditAction.PASSWORD_RESET, actor=None, obj=user, unit=user.org_unit, detail={"by": "setup_federation"})
    return FirstAdmin(user, password)
