"""The only place a caller's phone and ID number are read in clear — to call them back — and every read is audited.

Who may: a user who reads the request (scope) and either works the 12351 platform (HANDLE_HOTLINE), holds an
open step of its case (the handling station must reach the worker), or may see personal data (VIEW_PII).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core import roles
from unionserve.members import crypto

from .models import HotlineRequest


def can_reveal(user, item: HotlineRequest) -> bool:
    """Whether `user` (who already reads `item` through the scope) may see the caller's contact in full."""
    if user.has_perm(roles.HANDLE_HOTLINE) or user.has_perm(roles.VIEW_PII):
        return True
    return bool(user.org_unit_id) and item.case.steps.filter(is_open=True, unit_id=user.org_unit_id).exists()


@transaction.atomic
def reveal(item: HotlineRequest, *, user, request=None) -> dict[str, str]:
    """The clear phone (and ID number, if given) of the caller; writes PERSONAL_DATA_VIEWED in the same transaction."""
    if not can_reveal(user, item):
        raise PermissionDenied(_("You may not see this caller's contact details in full."))
    values = {"phone": crypto.decrypt(item.caller_phone_encrypted)}
    if item.caller_id_encrypted:
        values["id_number"] = crypto.decrypt(item.caller_id_encrypted)
    record(AuditAction.PERSONAL_DATA_VIEWED, actor=user, request=request, obj=item, unit=item.received_unit,
           detail={"fields": sorted(values), "case": item.case.number})
    return values
