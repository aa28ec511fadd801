"""Every change to a member, one function each, writing the audit log in the same transaction.

Transfers (会员关系接转) are done by the **receiving** side: the new grassroots union (and the new employer, when
given) must be in the acting user's scope; the member may come from anywhere in the city, because a worker who
changed jobs across districts is known to the new union and not to the old one. A member outside the actor's
scope is found only by the full ID number together with the name (`member_for_receipt`), the "receive a member"
page; the old grassroots union is told by a notification. A member inside the scope can also be transferred from
the member page.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core.scope import scope_of
from unionserve.notifications.api import nearest_staffed, notify
from unionserve.orgs.actions import create_unit
from unionserve.orgs.errors import OrgTreeError
from unionserve.orgs.models import OrgUnit, UnitKind
from unionserve.pii import lookup_hash, seal_phone

from . import history
from .models import Employer, Member, MembershipHistory, MemberStatus, SpecialGroup, SpecialGroupRecord
from .search import initials_of

# Audit actions of the register.
MEMBER_UPDATED = AuditAction.MEMBER_UPDATED
MEMBER_TRANSFERRED = AuditAction.MEMBER_TRANSFERRED
MEMBERS_MERGED = AuditAction.MEMBERS_MERGED
SPECIAL_GROUP_CHANGED = AuditAction.SPECIAL_GROUP_CHANGED

#: Special groups mirrored in a boolean column of Member (the column is what lists and rules read).
GROUP_FLAGS: dict[str, str] = {SpecialGroup.HARDSHIP: "hardship", SpecialGroup.SINGLE_MOTHER: "single_mother"}

#: Fields `update_member` may change (employer and grassroots union change only by transfer).
EDITABLE_FIELDS = ("name", "phone", "employment", "education", "skill_certificate", "honour", "card_number",
                   "ethnicity", "hukou", "joined_on", "status")

JOINT_UNION_SUFFIX = "联合工会"
STATION_SUFFIX = "工会服务站"
JOINT_UNION_CODE_MAX = 20  # OrgUnit.code's length


class StaleMember(ValidationError):
    """The member changed since the form was loaded (optimistic locking on Member.version)."""


class TransferError(ValidationError):
    """A transfer that cannot be done (unit outside the scope, not a grassroots union, nothing changes)."""


class MergeError(ValidationError):
    """Two members that cannot be merged."""


def _phone_columns(phone: str) -> dict[str, str]:
    return seal_phone(phone).columns("phone")


@transaction.atomic
def update_member(member: Member, changes: dict[str, Any], *, expected_version: int, acting_user,
                  request=None) -> Member:
    """Apply `changes` (keys from EDITABLE_FIELDS; "phone" in clear) if nobody changed the member meanwhile.

    Raises StaleMember when `expected_version` is no longer the member's version.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"update_member cannot change {sorted(unknown)}.")
    columns: dict[str, Any] = {}
    changed: list[str] = []
    for name, value in changes.items():
        if name == "phone":
            current = member.phone_hash
            new = lookup_hash(value) if value else ""
            if new != current:
                columns.update(_phone_columns(value))
                changed.append("phone")
            continue
        if getattr(member, name) != value:
            columns[name] = value
            changed.append(name)
            if name == "name":
                columns["initials"] = initials_of(value)
    card = columns.get("card_number")
    if card and Member.objects.filter(card_number=card).exclude(pk=member.pk).exists():
        raise ValidationError(_("This card number belongs to another member."), code="card_taken")
    now = timezone.now()
    updated = Member.objects.filter(pk=member.pk, version=expected_version).update(
        **columns, version=F("version") + 1, updated_at=now)
    if not updated:
        raise StaleMember(_("Someone else changed this member while you were editing. Reload the page and "
                            "make your changes again."), code="stale")
    member.refresh_from_db()
    if changed:
        # Clear values never go to the audit log: only the names of the changed fields.
        record(MEMBER_UPDATED, actor=acting_user, request=request, obj=member, unit=member.grassroots,
               detail={"changed": changed})
    return member


@transaction.atomic
def set_special_group(member: Member, group: str, value: bool, *, acting_user, detail: str = "",
                      source: str = "page", request=None) -> bool:
    """Put a member in (value=True) or take them out of a special group, keeping the history; True if changed."""
    if group not in SpecialGroup.values:
        raise ValueError(f"Unknown special group {group!r}.")
    now = timezone.now()
    current = member.special_groups.filter(group=group, until__isnull=True).first()
    changed = False
    if value and current is None:
        SpecialGroupRecord.objects.create(member=member, group=group, detail=detail[:60], since=now,
                                          set_by=acting_user, source=source[:40])
        changed = True
    elif value and current is not None and detail and detail != current.detail:
        current.until = now
        current.save(update_fields=["until"])
        SpecialGroupRecord.objects.create(member=member, group=group, detail=detail[:60], since=now,
                                          set_by=acting_user, source=source[:40])
        changed = True
    elif not value and current is not None:
        current.until = now
        current.save(update_fields=["until"])
        changed = True
    flag = GROUP_FLAGS.get(group)
    if flag and getattr(member, flag) != value:
        setattr(member, flag, value)
        Member.objects.filter(pk=member.pk).update(**{flag: value}, version=F("version") + 1, updated_at=now)
        member.refresh_from_db(fields=["version", "updated_at"])
        changed = True
    if changed:
        record(SPECIAL_GROUP_CHANGED, actor=acting_user, request=request, obj=member, unit=member.grassroots,
               detail={"group": group, "value": value, "detail": detail, "source": source})
    return changed


def joint_union_name(station: OrgUnit) -> str:
    """东华门街道工会服务站 → 东华门街道联合工会."""
    return station.name.strip().removesuffix(STATION_SUFFIX) + JOINT_UNION_SUFFIX


def joint_union_code(station: OrgUnit) -> str:
    """The one code scheme of a joint union: the station's code and LH (联合); "" when that exceeds a unit code's
    20 characters (the tree then numbers it U0000123)."""
    code = f"{station.code}LH"
    return code if len(code) <= JOINT_UNION_CODE_MAX else ""


def joint_union_for(station: OrgUnit, *, acting_user=None, request=None) -> OrgUnit:
    """The station's joint union (联合工会) for members of employers without a union; made on first need.

    The one place a joint union is made, by a transfer and by the import alike: found by its code, else by its
    name under the station (one made before the code scheme was one), else created with that name and code.
    """
    if station.kind != UnitKind.STATION:
        raise TransferError(_("Only a union service station has a joint union."), code="not_station")
    name, code = joint_union_name(station), joint_union_code(station)
    existing = ((code and OrgUnit.objects.filter(code=code).first())
                or OrgUnit.objects.filter(region_parent=station, kind=UnitKind.GRASSROOTS, name=name).first())
    if existing:
        return existing
    try:
        with transaction.atomic():
            return create_unit(name=name, kind=UnitKind.GRASSROOTS, region_parent=station, code=code,
                               acting_user=acting_user, request=request,
                               note=_("Joint union of the station for employers without their own union"))
    except OrgTreeError:
        # Made meanwhile by a concurrent transfer or import (the code is unique).
        return OrgUnit.objects.get(code=code)


def member_for_receipt(id_number: str, name: str) -> Member | None:
    """The member with this exact ID number *and* name, anywhere in the city, for the receiving side.

    Deliberately not scoped: whoever receives a worker knows the ID number and the name; neither alone finds
    anybody, and nothing but the member itself is returned.
    """
    return Member.objects.select_related("grassroots", "employer").filter(
        id_hash=lookup_hash(id_number), name=name.strip()).first()


def _employer_of_union(unit: OrgUnit) -> Employer | None:
    employers = list(Employer.objects.filter(grassroots=unit)[:2])
    return employers[0] if len(employers) == 1 else None


@transaction.atomic
def transfer_member(member: Member, *, to_employer: Employer | None = None, to_grassroots: OrgUnit | None = None,
                    acting_user, reason: str, request=None) -> Member:
    """Move a member to a new employer and/or grassroots union, done by the receiving side.

    With only `to_employer`, the union is the employer's own, or the joint union of its station when it has
    none. The current MembershipHistory row is closed and a new one opened; the old union is notified.
    """
    scope = scope_of(acting_user)
    if to_employer is None and to_grassroots is None:
        raise TransferError(_("Choose the new employer or the new grassroots union."), code="nothing")
    if to_employer is not None and not scope.filter(Employer.objects.filter(pk=to_employer.pk)).exists():
        raise TransferError(_("The new employer is not in your part of the organization."), code="employer_scope")
    if to_grassroots is None:
        assert to_employer is not None  # refused above when both are None
        if to_employer.has_union and to_employer.grassroots is not None:
            to_grassroots = to_employer.grassroots
        else:
            to_grassroots = joint_union_for(to_employer.station, acting_user=acting_user, request=request)
    if to_grassroots.kind != UnitKind.GRASSROOTS or not to_grassroots.is_active:
        raise TransferError(_("Members belong to an active grassroots union."), code="not_grassroots")
    if not scope.contains_unit(to_grassroots):
        raise TransferError(_("The receiving union is not in your part of the organization: the receiving side "
                              "performs a transfer."), code="unit_scope")
    if to_employer is None:
        to_employer = member.employer if (member.employer and member.employer.grassroots_id == to_grassroots.pk) \
            else _employer_of_union(to_grassroots)
    member = Member.objects.select_for_update(of=("self",)).select_related("grassroots", "employer").get(pk=member.pk)
    old_unit, old_employer = member.grassroots, member.employer
    if old_unit.pk == to_grassroots.pk and (to_employer is None or to_employer.pk == member.employer_id):
        raise TransferError(_("The member already belongs there."), code="same")
    now = timezone.now()
    reason = reason.strip()
    # The same rows as an import's transfers (members.history, one definition for both).
    with connection.cursor() as cursor:
        history.write_transfers(cursor, *history.one_move(member, employer_id=to_employer.pk if to_employer else None,
                                                          grassroots_id=to_grassroots.pk), now=now, reason=reason)
    Member.objects.filter(pk=member.pk).update(grassroots=to_grassroots, employer=to_employer,
                                               version=F("version") + 1, updated_at=now)
    member.refresh_from_db()
    record(MEMBER_TRANSFERRED, actor=acting_user, request=request, obj=member, unit=to_grassroots, detail={
        "from_unit": old_unit.pk, "to_unit": to_grassroots.pk,
        "from_employer": old_employer.pk if old_employer else None,
        "to_employer": to_employer.pk if to_employer else None, "reason": reason,
    })
    if old_unit.pk != to_grassroots.pk:
        _tell_old_union(member, old_unit, to_grassroots, acting_user, reason)
    return member


def _tell_old_union(member: Member, old_unit: OrgUnit, new_unit: OrgUnit, acting_user, reason: str) -> None:
    context = {"name": member.name, "id": member.id_masked, "from_unit": old_unit.name, "to_unit": new_unit.name,
               "reason": reason or "-"}
    # A union without accounts of its own (most grassroots unions) is told through the nearest unit up the tree
    # that has staff: its station, else its district.
    told = nearest_staffed([old_unit]).get(old_unit.pk)
    if told is not None:
        notify("member.transferred", units=[told], context=context)


_FILL_FIELDS = ("employment", "education", "skill_certificate", "honour", "ethnicity", "hukou")


@transaction.atomic
def merge_members(keep: Member, other: Member, *, acting_user, note: str = "", request=None) -> Member:
    """Merge `other` (a near-duplicate) into `keep`: history and special groups move, blanks are filled,
    `other` is marked left with a history row that says where it went. Both must be in the actor's scope."""
    if keep.pk == other.pk:
        raise MergeError(_("Choose two different members."), code="same")
    scope = scope_of(acting_user)
    # of=self: the scope filter joins org units with an outer join, which PostgreSQL cannot lock.
    found = {m.pk: m for m in scope.filter(
        Member.objects.select_for_update(of=("self",)).filter(pk__in=[keep.pk, other.pk]))}
    if len(found) != 2:
        raise MergeError(_("Both members must be in your part of the organization."), code="scope")
    keep, other = found[keep.pk], found[other.pk]
    if other.status == MemberStatus.LEFT and other.history.filter(reason__startswith="merged").exists():
        raise MergeError(_("This member has already been merged."), code="merged")
    now = timezone.now()
    moved: dict[str, Any] = {}
    # History: the other's rows end now and become part of the kept member's timeline.
    other.history.filter(until__isnull=True).update(until=now)
    moved["history"] = other.history.update(member=keep)
    # Special groups: an open record the kept member also has is closed; the rest move.
    keep_open = set(keep.special_groups.filter(until__isnull=True).values_list("group", flat=True))
    other.special_groups.filter(until__isnull=True, group__in=keep_open).update(until=now)
    moved["special_groups"] = other.special_groups.update(member=keep)
    fill: dict[str, Any] = {}
    for name in _FILL_FIELDS:
        if not getattr(keep, name) and getattr(other, name):
            fill[name] = getattr(other, name)
    if not keep.phone_hash and other.phone_hash:
        fill.update(phone_hash=other.phone_hash, phone_encrypted=other.phone_encrypted,
                    phone_masked=other.phone_masked)
    if not keep.card_number and other.card_number:
        fill["card_number"] = other.card_number
    if other.joined_on and (not keep.joined_on or other.joined_on < keep.joined_on):
        fill["joined_on"] = other.joined_on
    groups_now = set(keep.special_groups.filter(until__isnull=True).values_list("group", flat=True))
    for group, flag in GROUP_FLAGS.items():
        fill[flag] = group in groups_now or getattr(keep, flag) or getattr(other, flag)
    Member.objects.filter(pk=keep.pk).update(**fill, version=F("version") + 1, updated_at=now)
    other_changes: dict[str, Any] = {"status": MemberStatus.LEFT, "updated_at": now, "version": F("version") + 1}
    if "card_number" in fill:
        other_changes["card_number"] = ""
    Member.objects.filter(pk=other.pk).update(**other_changes)
    # The note on the merged member (Member has no note field: its history says where it went).
    MembershipHistory.objects.create(member=other, employer=other.employer, grassroots=other.grassroots,
                                     since=now, until=now, reason=f"merged into member {keep.pk}")
    keep.refresh_from_db()
    record(MEMBERS_MERGED, actor=acting_user, request=request, obj=keep, unit=keep.grassroots, detail={
        "kept": keep.pk, "merged": other.pk, "merged_name": other.name, "merged_id": other.id_masked,
        "filled": sorted(k for k in fill if k not in GROUP_FLAGS.values()), "moved": moved, "note": note,
    })
    return keep
