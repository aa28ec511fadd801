"""Changing a policy number: propose, approve (by a second person), reject, withdraw.

Each action runs in one transaction and writes its audit row in it. A proposal's effective date may not be
in the past, and an approval is refused once the date has passed: a version never changes a decision taken
before it was approved (the decision names the version it used, which stays as it was).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction

from .models import PolicyVersion, Status
from .registry import PolicyValueError, parameter

AUDIT_PROPOSED = AuditAction.POLICY_PROPOSED
AUDIT_APPROVED = AuditAction.POLICY_APPROVED
AUDIT_REJECTED = AuditAction.POLICY_REJECTED
AUDIT_WITHDRAWN = AuditAction.POLICY_WITHDRAWN


class PolicyError(ValidationError):
    """A change refused; the message is in the user's language."""


def _detail(version: PolicyVersion, **extra) -> dict:
    return {"key": version.key, "version": version.version, "value": str(version.value),
            "effective_from": version.effective_from.isoformat(), **extra}


def propose(key: str, value, effective_from: dt.date, *, acting_user, reason: str, source: str = "",
            request=None) -> PolicyVersion:
    """Propose a new value for `key` from `effective_from` (today or later); it applies once approved."""
    try:
        param = parameter(key)
    except KeyError:
        raise PolicyError(_("There is no such policy parameter.")) from None
    try:
        parsed = param.parse(value)
    except PolicyValueError as exc:
        raise PolicyError(str(exc)) from None
    if effective_from < timezone.localdate():
        raise PolicyError(_("The effective date cannot be in the past: decisions already taken keep the "
                            "version they used."))
    if not (reason or "").strip():
        raise PolicyError(_("Give the reason for the change."))
    for _attempt in range(3):
        try:
            with transaction.atomic():
                number = (PolicyVersion.objects.filter(key=key).aggregate(m=Max("version"))["m"] or 0) + 1
                version = PolicyVersion.objects.create(
                    key=key, version=number, value=parsed, effective_from=effective_from,
                    source=(source or "").strip() or param.source, reason=reason.strip(), status=Status.PROPOSED,
                    proposed_by=acting_user, proposed_at=timezone.now())
                record(AUDIT_PROPOSED, actor=acting_user, request=request, obj=version,
                       detail=_detail(version, reason=version.reason))
                return version
        except IntegrityError:
            continue  # somebody proposed a version of the same key at the same moment: take the next number
    raise PolicyError(_("Another change to this parameter was saved at the same time; try again."))


def _pending(version_id: int) -> PolicyVersion:
    version = PolicyVersion.objects.select_for_update().get(pk=version_id)
    if version.status != Status.PROPOSED:
        raise PolicyError(_("This change was already decided (%(status)s).") % {"status": version.get_status_display()})
    return version


@transaction.atomic
def approve(version_id: int, *, acting_user, note: str = "", request=None) -> PolicyVersion:
    """Approve a proposal. The proposer may not approve their own change (four eyes)."""
    version = _pending(version_id)
    if version.proposed_by_id == acting_user.pk:
        raise PolicyError(_("A change needs a second person: you proposed it, so someone else must approve it."))
    if version.effective_from < timezone.localdate():
        raise PolicyError(_("The effective date has passed; reject this proposal and propose the change again "
                            "with a date from today."))
    version.status = Status.APPROVED
    version.decided_by = acting_user
    version.decided_at = timezone.now()
    version.decision_note = (note or "").strip()
    version.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record(AUDIT_APPROVED, actor=acting_user, request=request, obj=version, detail=_detail(version))
    return version


@transaction.atomic
def reject(version_id: int, *, acting_user, note: str = "", request=None) -> PolicyVersion:
    """Reject a proposal (someone other than the proposer; the proposer withdraws instead)."""
    version = _pending(version_id)
    if version.proposed_by_id == acting_user.pk:
        raise PolicyError(_("You proposed this change: withdraw it instead."))
    if not (note or "").strip():
        raise PolicyError(_("Say why the change is rejected."))
    version.status = Status.REJECTED
    version.decided_by = acting_user
    version.decided_at = timezone.now()
    version.decision_note = note.strip()
    version.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    record(AUDIT_REJECTED, actor=acting_user, request=request, obj=version, detail=_detail(version, note=note))
    return version


@transaction.atomic
def withdraw(version_id: int, *, acting_user, request=None) -> PolicyVersion:
    """The proposer withdraws their own pending proposal."""
    version = _pending(version_id)
    if version.proposed_by_id != acting_user.pk:
        raise PolicyError(_("Only the person who proposed a change may withdraw it."))
    version.status = Status.WITHDRAWN
    version.decided_by = acting_user
    version.decided_at = timezone.now()
    version.save(update_fields=["status", "decided_by", "decided_at"])
    record(AUDIT_WITHDRAWN, actor=acting_user, request=request, obj=version, detail=_detail(version))
    return version
