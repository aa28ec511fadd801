"""The only place where a member's ID number and mobile are read in clear, and every read is audited.

Everyone sees `Member.id_masked` / `Member.phone_masked`. A user who holds VIEW_PII and whose scope contains
the member may ask to see the clear values (the "show in full" button on the member page); `reveal` decrypts
them and writes PERSONAL_DATA_VIEWED to the audit log in the same transaction. Exports of unmasked data go
through `members.export`, which records PERSONAL_DATA_EXPORTED once per file.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core import roles
from unionserve.core.scope import scope_of

from . import crypto
from .models import Member

ID_NUMBER = "id_number"
PHONE = "phone"
FIELDS = (ID_NUMBER, PHONE)


def can_reveal(user, member: Member) -> bool:
    """Whether `user` may see this member's personal data in full."""
    return bool(user.has_perm(roles.VIEW_PII)) and scope_of(user).contains_unit(member.grassroots)


def masked(member: Member) -> dict[str, str]:
    """What everybody sees."""
    return {ID_NUMBER: member.id_masked, PHONE: member.phone_masked}


def clear_values(member: Member, fields: Iterable[str] = FIELDS) -> dict[str, str]:
    """Decrypt without checks or audit: for callers that check and audit themselves (export)."""
    out = {}
    for name in fields:
        if name == ID_NUMBER:
            out[name] = crypto.decrypt(member.id_encrypted)
        elif name == PHONE:
            out[name] = crypto.decrypt(member.phone_encrypted) if member.phone_encrypted else ""
        else:
            raise ValueError(f"Unknown personal-data field {name!r}; use {FIELDS}.")
    return out


@transaction.atomic
def reveal(member: Member, *, user, request=None, fields: Iterable[str] = FIELDS) -> dict[str, str]:
    """The clear ID number and/or mobile of a member for a user allowed to see them; audited.

    Raises PermissionDenied for a user without VIEW_PII or outside the member's scope (callers show a 404
    for the latter: they fetch the member through the scope first).
    """
    if not can_reveal(user, member):
        raise PermissionDenied(_("You may not see this member's personal data in full."))
    fields = [f for f in FIELDS if f in set(fields)]
    values = clear_values(member, fields)
    record(AuditAction.PERSONAL_DATA_VIEWED, actor=user, request=request, obj=member, unit=member.grassroots,
           detail={"fields": fields})
    return values
