"""Every change to accounts and roles. Views and the API call these; each writes the audit log."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core.roles import GRANT_ADMIN_ROLES, MANAGE_USERS, ROLE_SPECS, Role, role_allowed_at
from unionserve.core.scope import scope_of

from .models import ApiToken, RoleGrant, User


def _require_manager_of(acting_user: User, unit) -> None:
    if not acting_user.has_perm(MANAGE_USERS) or not scope_of(acting_user).contains_unit(unit):
        raise PermissionDenied(_("You may not manage users of this unit."))


def _check_roles(acting_user: User, roles: Iterable[str], unit) -> list[str]:
    roles = sorted(set(roles))
    for role in roles:
        if role not in Role.values:
            raise ValidationError(_("Unknown role: %(role)s.") % {"role": role})
        label = Role(role).label
        if not role_allowed_at(role, unit.kind):
            raise ValidationError(
                _("The role %(role)s cannot be held at a %(kind)s.") % {"role": label, "kind": unit.get_kind_display()}
            )
        if ROLE_SPECS[role].privileged and not acting_user.has_perm(GRANT_ADMIN_ROLES):
            raise PermissionDenied(_("Only a system administrator may grant the role %(role)s.") % {"role": label})
    return roles


@transaction.atomic
def create_user(
    *,
    username: str,
    display_name: str,
    org_unit,
    roles: Iterable[str],
    password: str | None,  # None: an unusable password (nobody logs in with one)
    phone: str = "",
    email: str = "",
    must_change_password: bool = True,
    is_demo: bool = False,
    acting_user: User | None,
    request=None,
) -> User:
    """Create an account at a unit with roles. New accounts must change the password at first login."""
    if acting_user is not None:
        _require_manager_of(acting_user, org_unit)
        roles = _check_roles(acting_user, roles, org_unit)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("The user name %(name)s is taken.") % {"name": username})
    user = User(
        username=username,
        display_name=display_name,
        org_unit=org_unit,
        phone=phone,
        email=email,
        must_change_password=must_change_password,
        is_demo=is_demo,
    )
    user.set_password(password)
    user.save()
    record(AuditAction.USER_CREATED, actor=acting_user, request=request, obj=user, unit=org_unit)
    _apply_roles(user, set(roles), acting_user=acting_user, request=request)
    return user


def _apply_roles(user: User, wanted: set[str], *, acting_user: User | None, request) -> None:
    current = set(user.role_grants.values_list("role", flat=True))
    for role in sorted(wanted - current):
        RoleGrant.objects.create(user=user, role=role, granted_by=acting_user)
        record(AuditAction.ROLE_GRANTED, actor=acting_user, request=request, obj=user, unit=user.org_unit,
               detail={"role": role})
    for role in sorted(current - wanted):
        RoleGrant.objects.filter(user=user, role=role).delete()
        record(AuditAction.ROLE_REVOKED, actor=acting_user, request=request, obj=user, unit=user.org_unit,
               detail={"role": role})
    user.forget_cached_roles()


@transaction.atomic
def update_user(
    user: User,
    *,
    display_name: str,
    org_unit,
    roles: Iterable[str],
    phone: str = "",
    email: str = "",
    acting_user: User,
    request=None,
) -> User:
    """Change a user's details, unit and roles (both old and new unit must be in the manager's scope)."""
    _require_manager_of(acting_user, user.org_unit)
    _require_manager_of(acting_user, org_unit)
    roles = _check_roles(acting_user, roles, org_unit)
    # Removing a privileged role needs the same power as granting it.
    removed_privileged = [r for r in user.role_names if ROLE_SPECS[r].privileged and r not in roles]
    if removed_privileged and not acting_user.has_perm(GRANT_ADMIN_ROLES):
        raise PermissionDenied(_("Only a system administrator may change this user's roles."))
    before = {"display_name": user.display_name, "org_unit": user.org_unit_id, "phone": user.phone,
              "email": user.email}
    user.display_name, user.org_unit, user.phone, user.email = display_name, org_unit, phone, email
    user.save(update_fields=["display_name", "org_unit", "phone", "email"])
    after = {"display_name": display_name, "org_unit": org_unit.pk, "phone": phone, "email": email}
    if before != after:
        record(AuditAction.USER_UPDATED, actor=acting_user, request=request, obj=user, unit=org_unit,
               detail={"before": before, "after": after})
    _apply_roles(user, set(roles), acting_user=acting_user, request=request)
    return user


@transaction.atomic
def set_active(user: User, active: bool, *, acting_user: User, request=None) -> User:
    """Deactivate (never delete: history points at it) or reactivate an account."""
    _require_manager_of(acting_user, user.org_unit)
    if user.pk == acting_user.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(AuditAction.USER_REACTIVATED if active else AuditAction.USER_DEACTIVATED, actor=acting_user,
           request=request, obj=user, unit=user.org_unit)
    return user


@transaction.atomic
def reset_password(user: User, new_password: str, *, acting_user: User, request=None) -> User:
    """An administrator sets a temporary password; the user must change it at next login."""
    _require_manager_of(acting_user, user.org_unit)
    user.set_password(new_password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    record(AuditAction.PASSWORD_RESET, actor=acting_user, request=request, obj=user, unit=user.org_unit)
    return user


@transaction.atomic
def password_changed(user: User, *, request=None) -> None:
    """Record that the user set their own password, lifting the forced change."""
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["must_change_password", "password_changed_at"])
    record(AuditAction.PASSWORD_CHANGED, actor=user, request=request, obj=user)


@transaction.atomic
def issue_token(user: User, name: str, *, request=None) -> tuple[ApiToken, str]:
    """Create a personal API token; the clear key is returned once."""
    if not name.strip():
        raise ValidationError(_("Give the token a name."))
    token, key = ApiToken.issue(user, name.strip())
    record(AuditAction.TOKEN_CREATED, actor=user, request=request, obj=user, detail={"token": token.key_hint})
    return token, key


@transaction.atomic
def revoke_token(token: ApiToken, *, acting_user: User, request=None) -> None:
    """Revoke one of the user's own tokens."""
    if token.user_id != acting_user.pk:
        raise PermissionDenied
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(AuditAction.TOKEN_REVOKED, actor=acting_user, request=request, obj=acting_user,
           detail={"token": token.key_hint})
