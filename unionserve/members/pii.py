"""A member's ID number and mobile on the member page: masked for everybody, in full through `pii.reveal`.

Everyone sees `Member.id_masked` / `Member.phone_masked`. The "show in full" button is offered to those the one
policy allows (`unionserve.pii.may_reveal`: VIEW_PII and the member in scope); `reveal` decrypts through
`pii.reveal`, which writes PERSONAL_DATA_VIEWED in the same transaction. Exports of unmasked data go through
`members.export`, which records PERSONAL_DATA_EXPORTED once per file.
"""

from __future__ import annotations

from collections.abc import Iterable

from unionserve import pii

from .models import Member

ID_NUMBER = "id_number"
PHONE = "phone"
FIELDS = (ID_NUMBER, PHONE)


def can_reveal(user, member: Member) -> bool:
    """Whether `user` may see this member's personal data in full."""
    return pii.may_reveal(user, member)


def masked(member: Member) -> dict[str, str]:
    """What everybody sees."""
    return {ID_NUMBER: member.id_masked, PHONE: member.phone_masked}


def clear_values(member: Member, fields: Iterable[str] = FIELDS) -> dict[str, str]:
    """Decrypt without checks or audit: for tests and demo data, never for a page."""
    columns = Member.pii_fields
    out = {}
    for name in fields:
        if name not in columns:
            raise ValueError(f"Unknown personal-data field {name!r}; use {FIELDS}.")
        out[name] = pii.decrypt_unchecked(getattr(member, columns[name]))
    return out


def reveal(member: Member, *, user, request=None, fields: Iterable[str] = FIELDS) -> dict[str, str]:
    """The clear ID number and/or mobile of a member for a user allowed to see them; audited.

    Raises PermissionDenied for a user without VIEW_PII or outside the member's scope (callers show a 404
    for the latter: they fetch the member through the scope first).
    """
    wanted = set(fields)
    unknown = wanted - set(FIELDS)
    if unknown:
        raise ValueError(f"Unknown personal-data field {sorted(unknown)!r}; use {FIELDS}.")
    return pii.reveal(member, [f for f in FIELDS if f in wanted], user=user, request=request,
                      unit=member.grassroots)
