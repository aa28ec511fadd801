"""Every change to the org tree, one function each. Each writes the unit's history and the audit log."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core import tree

from .errors import OrgTreeError
from .models import INDUSTRY_PARENT_KINDS, KIND_LEVEL, REGION_PARENT_KINDS, OrgUnit, OrgUnitEvent, UnitStatus
from .signals import units_merged


def _check_parent(kind: str, parent: OrgUnit | None, allowed: dict, line_label: str) -> None:
    if parent is None:
        return
    if kind not in allowed or parent.kind not in allowed[kind]:
        raise OrgTreeError(
            _("A %(kind)s cannot sit under a %(parent)s on the %(line)s line.")
            % {"kind": OrgUnit(kind=kind).get_kind_display(), "parent": parent.get_kind_display(), "line": line_label}
        )
    if not parent.is_active:
        raise OrgTreeError(_("The parent unit %(name)s is closed.") % {"name": parent.name})


def _snapshot(unit: OrgUnit) -> dict:
    return {
        "name": unit.name,
        "code": unit.code,
        "status": unit.status,
        "region_parent": unit.region_parent_id,
        "industry_parent": unit.industry_parent_id,
    }


def _history(unit: OrgUnit, action: str, before: dict, *, acting_user, reason: str = "", request=None) -> None:
    OrgUnitEvent.objects.create(
        unit=unit, action=action, before=before, after=_snapshot(unit), reason=reason, actor=acting_user
    )
    if acting_user is not None:
        record(
            AuditAction.UNIT_CHANGED,
            actor=acting_user,
            request=request,
            obj=unit,
            detail={"change": action, "before": before, "after": _snapshot(unit), "reason": reason},
        )


@transaction.atomic
def create_unit(
    *,
    name: str,
    kind: str,
    region_parent: OrgUnit | None = None,
    industry_parent: OrgUnit | None = None,
    code: str = "",
    division_code: str = "",
    acting_user=None,
    request=None,
    **fields,
) -> OrgUnit:
    """Add a unit under its parent(s). A unit with no parent on either line is a root (the city center)."""
    _check_parent(kind, region_parent, REGION_PARENT_KINDS, _("regional"))
    _check_parent(kind, industry_parent, INDUSTRY_PARENT_KINDS, _("industry"))
    if region_parent is None and industry_parent is None and OrgUnit.objects.exists():
        raise OrgTreeError(_("Choose the parent unit on at least one line."))
    if code and OrgUnit.objects.filter(code=code).exists():
        raise OrgTreeError(_("The code %(code)s is already used.") % {"code": code})
    unit = OrgUnit.objects.create(
        name=name.strip(),
        kind=kind,
        level=KIND_LEVEL[kind],
        code=code or f"tmp-{uuid.uuid4().hex[:12]}",
        division_code=division_code,
        region_parent=region_parent,
        industry_parent=industry_parent,
        **fields,
    )
    is_root = region_parent is None and industry_parent is None
    if region_parent is not None or is_root:
        unit.region_path = tree.child_path(region_parent.region_path if region_parent else None, unit.pk)
    if industry_parent is not None or is_root:
        unit.industry_path = tree.child_path(industry_parent.industry_path if industry_parent else None, unit.pk)
    if not code:
        unit.code = f"U{unit.pk:07d}"
    unit.save(update_fields=["region_path", "industry_path", "code"])
    _history(unit, OrgUnitEvent.Action.CREATED, {}, acting_user=acting_user, request=request)
    return unit


@transaction.atomic
def rename_unit(unit: OrgUnit, new_name: str, *, acting_user, reason: str = "", request=None) -> OrgUnit:
    """Rename a unit; the old name stays in its history."""
    new_name = new_name.strip()
    if not new_name:
        raise OrgTreeError(_("Enter the new name."))
    before = _snapshot(unit)
    unit.name = new_name
    unit.save(update_fields=["name", "updated_at"])
    _history(unit, OrgUnitEvent.Action.RENAMED, before, acting_user=acting_user, reason=reason, request=request)
    return unit


def _repath(unit: OrgUnit, field: str, new_path: str | None) -> None:
    """Rewrite the path of `unit` and of every descendant on one line."""
    old_path = getattr(unit, field)
    if old_path == new_path:
        return
    if old_path is None:
        setattr(unit, field, new_path)
        unit.save(update_fields=[field])
        return
    descendants = list(OrgUnit.objects.filter(tree.subtree_q(field, old_path)).only("pk", field))
    # Clear first: the paths are unique and a move may swap prefixes within one statement batch.
    OrgUnit.objects.filter(pk__in=[d.pk for d in descendants]).update(**{field: None})
    for d in descendants:
        current = getattr(d, field)
        setattr(d, field, None if new_path is None else new_path + current[len(old_path) :])
    OrgUnit.objects.bulk_update(descendants, [field], batch_size=500)
    setattr(unit, field, new_path)


@transaction.atomic
def move_unit(
    unit: OrgUnit,
    *,
    region_parent: OrgUnit | None,
    industry_parent: OrgUnit | None,
    acting_user,
    reason: str = "",
    request=None,
) -> OrgUnit:
    """Put a unit (with its subtree) under new parents on either line."""
    _check_parent(unit.kind, region_parent, REGION_PARENT_KINDS, _("regional"))
    _check_parent(unit.kind, industry_parent, INDUSTRY_PARENT_KINDS, _("industry"))
    for parent in (region_parent, industry_parent):
        if parent is not None and parent.is_within(unit):
            raise OrgTreeError(_("A unit cannot be moved under itself or one of its own units."))
    if region_parent is None and industry_parent is None:
        raise OrgTreeError(_("Choose the parent unit on at least one line."))
    before = _snapshot(unit)
    _repath(unit, "region_path", tree.child_path(region_parent.region_path, unit.pk) if region_parent else None)
    _repath(
        unit, "industry_path", tree.child_path(industry_parent.industry_path, unit.pk) if industry_parent else None
    )
    unit.region_parent = region_parent
    unit.industry_parent = industry_parent
    unit.save(update_fields=["region_parent", "industry_parent", "updated_at"])
    unit.refresh_from_db()
    _history(unit, OrgUnitEvent.Action.MOVED, before, acting_user=acting_user, reason=reason, request=request)
    return unit


@transaction.atomic
def merge_units(source: OrgUnit, target: OrgUnit, *, acting_user, reason: str = "", request=None) -> OrgUnit:
    """Merge `source` into `target`: its child units, its users and (through `units_merged`) its records move.

    The source stays in the table, marked merged, so its history and old references remain readable.
    """
    if source.pk == target.pk:
        raise OrgTreeError(_("Choose a different unit to merge into."))
    if source.kind != target.kind:
        raise OrgTreeError(_("Only units of the same kind can be merged."))
    if not source.is_active or not target.is_active:
        raise OrgTreeError(_("Both units must be active."))
    if target.is_within(source):
        raise OrgTreeError(_("A unit cannot be merged into one of its own units."))
    before = _snapshot(source)
    for child in source.region_children.filter(status=UnitStatus.ACTIVE):
        move_unit(
            child, region_parent=target, industry_parent=child.industry_parent, acting_user=acting_user,
            reason=reason, request=request,
        )
    for child in source.industry_children.filter(status=UnitStatus.ACTIVE):
        move_unit(
            child, region_parent=child.region_parent, industry_parent=target, acting_user=acting_user,
            reason=reason, request=request,
        )
    # Users move with the other records: accounts receives units_merged (the tree knows no app above it).
    units_merged.send(sender=OrgUnit, source=source, target=target)
    source.status = UnitStatus.MERGED
    source.merged_into = target
    source.save(update_fields=["status", "merged_into", "updated_at"])
    _history(source, OrgUnitEvent.Action.MERGED, before, acting_user=acting_user, reason=reason, request=request)
    return target


@transaction.atomic
def close_unit(unit: OrgUnit, *, acting_user, reason: str, request=None) -> OrgUnit:
    """Close a unit that no longer has active child units or active users."""
    if not reason.strip():
        raise OrgTreeError(_("Give the reason for closing the unit."))
    if unit.region_children.filter(status=UnitStatus.ACTIVE).exists() or unit.industry_children.filter(
        status=UnitStatus.ACTIVE
    ).exists():
        raise OrgTreeError(_("Move or close its child units first."))
    if unit.users.filter(is_active=True).exists():
        raise OrgTreeError(_("Move or deactivate its users first."))
    before = _snapshot(unit)
    unit.status = UnitStatus.CLOSED
    unit.save(update_fields=["status", "updated_at"])
    _history(unit, OrgUnitEvent.Action.CLOSED, before, acting_user=acting_user, reason=reason, request=request)
    return unit
