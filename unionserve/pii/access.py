"""Who may see personal data in full, reading it, and finding a person by it: one policy for every app.

The policy (`may_reveal`): the user holds VIEW_PII (core.roles) **and** the object is in the user's scope
(core.scope, through the object's ``scope_paths`` or ``scope_filter``, as every read). A model may name, in
``pii_reveal_permissions``, a permission whose holders may also reveal *its* personal data inside their
scope — only the 12351 request does, for the platform's agents who call callers back (seed 000 §四.1 回访).
Everything else — "an open step at my unit", a role that only reads — reveals nothing.

`reveal` decrypts and writes PERSONAL_DATA_VIEWED in the same transaction; nothing else decrypts for a page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from unionserve.core import roles
from unionserve.core.scope import scope_of

from . import crypto


def _path(obj: Any, lookup: str | None) -> str | None:
    """Follow a ``scope_paths`` lookup (``grassroots__region_path``) through loaded attributes."""
    if not lookup:
        return None
    for name in lookup.split("__"):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def in_scope(user, obj: models.Model) -> bool:
    """Whether `obj` is in `user`'s scope: its paths for models scoped by paths (no query once the unit is
    loaded), the model's own scope filter (a case: taking part, personal scope) through one query otherwise."""
    scope = scope_of(user)
    if scope.is_empty:
        return False
    if scope.everything:
        return True
    model = type(obj)
    paths = getattr(model, "scope_paths", None)
    if paths and not hasattr(model, "scope_filter"):
        return scope.contains_paths(_path(obj, paths[0]), _path(obj, paths[1]))
    return scope.filter(model._default_manager.filter(pk=obj.pk)).exists()


def may_reveal(user, obj: models.Model) -> bool:
    """The one policy: may `user` see `obj`'s personal data in full (VIEW_PII, or the model's declared
    permission, and `obj` in scope)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    permissions = (roles.VIEW_PII, *getattr(type(obj), "pii_reveal_permissions", ()))
    if not any(user.has_perm(p) for p in permissions):
        return False
    return in_scope(user, obj)


def _column(obj: models.Model, field: str) -> str:
    """The ciphertext column of a personal field: the model's ``pii_fields`` mapping, else ``<field>_encrypted``."""
    declared: Mapping[str, str] = getattr(type(obj), "pii_fields", {})
    return declared.get(field, f"{field}_encrypted")


def reveal(obj: models.Model, fields: str | Iterable[str], *, user, request=None, reason: str = "", unit=None,
           detail: dict | None = None) -> dict[str, str]:
    """The clear values of `fields` of `obj` for a user the policy allows; audited in the same transaction.

    Raises PermissionDenied otherwise (pages fetch `obj` through the scope first, so outside the scope they
    answer 404 before asking). Empty fields are returned empty and not listed in the audit row. `unit` is the
    org unit the audit event concerns (default ``obj.org_unit``); `detail` adds to the event's detail.
    """
    names = [fields] if isinstance(fields, str) else list(fields)
    if not may_reveal(user, obj):
        raise PermissionDenied(_("You may not see this personal data in full."))
    values = {}
    for name in names:
        token = getattr(obj, _column(obj, name))
        values[name] = crypto.decrypt(token) if token else ""
    shown = [name for name in names if values[name]]
    from unionserve.audit.log import record
    from unionserve.audit.models import AuditAction

    event = {"fields": shown, **(detail or {})}
    if reason:
        event["reason"] = reason
    with transaction.atomic():
        record(AuditAction.PERSONAL_DATA_VIEWED, actor=user, request=request, obj=obj,
               unit=unit if unit is not None else getattr(obj, "org_unit", None), detail=event)
    return values


def decrypt_unchecked(token: str) -> str:
    """Decrypt without the policy or the audit log: for callers that check and audit the whole batch
    themselves (the register's export writes one PERSONAL_DATA_EXPORTED per file; an SMS broadcast hands the
    numbers to the outbox only). Never for showing a value on a page."""
    return crypto.decrypt(token) if token else ""


# --- finding a person -------------------------------------------------------------------------------------


def hash_q(field: str, value: str) -> Q:
    """Exact lookup of a personal value by its keyed hash: ``hash_q("caller_phone", "138…")``."""
    return Q(**{f"{field}_hash": crypto.lookup_hash(value)})


def find_person(queryset: QuerySet, *, user, id_number: str = "", phone: str = "", id_field: str = "id",
                phone_field: str = "phone", unique_phone_q: Q | None = None, everywhere: bool = False):
    """The row with this ID number, else the only row with this phone (narrowed by `unique_phone_q`),
    inside `user`'s scope — or, with `everywhere`, in the whole table (the caller decides who may, and says
    so where it does). One index probe per value given."""
    qs = queryset if everywhere else scope_of(user).filter(queryset)
    if id_number:
        found = qs.filter(hash_q(id_field, id_number)).first()
        if found is not None:
            return found
    if phone:
        rows = qs.filter(hash_q(phone_field, phone))
        if unique_phone_q is not None:
            rows = rows.filter(unique_phone_q)
        rows = list(rows[:2])
        if len(rows) == 1:
            return rows[0]
    return None
