"""The register's public module: everything another area may use of the member register, and nothing else.

Hotline, mediation, legal aid, broadcasts, data quality (and every later area) import from here only, never
from the register's internals. Finding a member follows **one** scoped policy:

- `find_member(id_number=, phone=, user=)`: the member with this ID number, else the only *active* member
  with this mobile — inside ``scope_of(user)``. A station finds its own members, a district its district's,
  the city office the whole city; another district's member is not found, whatever is typed.
- `identify_caller(...)`: the same lookup **city-wide**, only for a holder of HANDLE_HOTLINE (the 12351
  platform's agents, and the portal's service account, identify any caller in Beijing; what they are then
  shown of the member is masked). For anybody else it is `find_member`.
- `get_member(pk, user=)`: a member by id, inside the scope (a member id sent by a form or the API).
- `set_special_group(member, group, value, acting_user=, detail=, source=)`: put a member in or take them out of
  a special group (an area's decision: an approved hardship file), writing the register's history and flag the
  same way the register's own page does.

The register's transfer page (接收) keeps its own rule — a member anywhere, by full ID number *and* name, for
the receiving union only — inside the register (``members.actions``); no other area uses it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from unionserve import pii
from unionserve.core import roles
from unionserve.core.scope import scope_of

from .models import Employer, Gender, Member, MemberStatus, SpecialGroup, SpecialGroupRecord
from .search import MemberFilter, QueryKind, classify, in_group, search_members, unit_scope
from .sections import register_section, unregister_section
from .vocab import Education, Employment, Hukou, to_code

__all__ = [
    "Education", "Employer", "Employment", "Gender", "Hukou", "Member", "MemberFilter", "MemberStatus",
    "QueryKind", "SpecialGroup", "SpecialGroupRecord", "active_members_per_unit", "area_changes", "classify",
    "count_active_members_under", "describe_member", "find_member", "get_member", "identify_caller", "in_group",
    "in_special_group_on", "members_in_scope", "register_section", "search_members", "set_special_group",
    "special_group_periods", "to_code", "unit_scope", "unregister_section",
]


def _members() -> QuerySet:
    return Member.objects.select_related("grassroots", "employer")


def members_in_scope(user) -> QuerySet:
    """Every member `user` may see (the base of any other area's member query)."""
    return scope_of(user).filter(_members())


def find_member(*, id_number: str = "", phone: str = "", user) -> Member | None:
    """The member with this ID number, else the only active member with this mobile, in `user`'s scope."""
    return pii.find_person(_members(), user=user, id_number=id_number or "", phone=phone or "",
                           unique_phone_q=Q(status=MemberStatus.ACTIVE))


def identify_caller(*, id_number: str = "", phone: str = "", user) -> Member | None:
    """`find_member`, city-wide for the 12351 platform (HANDLE_HOTLINE), scoped for everybody else."""
    everywhere = bool(user is not None and user.has_perm(roles.HANDLE_HOTLINE))
    return pii.find_person(_members(), user=user, id_number=id_number or "", phone=phone or "",
                           unique_phone_q=Q(status=MemberStatus.ACTIVE), everywhere=everywhere)


def get_member(pk: Any, *, user) -> Member | None:
    """The member with this id if it is in `user`'s scope; None for a missing or foreign id alike."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return members_in_scope(user).filter(pk=pk).first()


def describe_member(member: Member) -> dict[str, Any]:
    """What another area may show of a member it found: masked identity and where they belong."""
    return {
        "id": member.pk, "name": member.name, "id_masked": member.id_masked, "phone_masked": member.phone_masked,
        "status": member.status, "grassroots_code": member.grassroots.code, "grassroots_name": member.grassroots.name,
    }


def special_group_periods(member_ids, groups) -> dict[int, list[tuple[dt.date, dt.date | None]]]:
    """Each member's periods in any of `groups`, from the register's history: {member id: [(since, until)]}.

    Days are Beijing dates; a period includes its first day and excludes its last (``until``), None when still
    open. Read in chunks, for many members at once (mutual aid's quarterly batch).
    """
    ids = sorted({int(i) for i in member_ids})
    out: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    for start in range(0, len(ids), 500):
        rows = SpecialGroupRecord.objects.filter(member_id__in=ids[start:start + 500], group__in=list(groups))
        for member_id, since, until in rows.values_list("member_id", "since", "until"):
            out.setdefault(member_id, []).append(
                (timezone.localdate(since), timezone.localdate(until) if until is not None else None))
    return out


def in_special_group_on(member_id: int, groups, day: dt.date) -> bool:
    """Whether the member was in any of `groups` on `day` (the register's history)."""
    return any(since <= day and (until is None or until > day)
               for since, until in special_group_periods([member_id], groups).get(int(member_id), []))


def set_special_group(member: Member, group: str, value: bool, *, acting_user, detail: str = "",
                      source: str = "") -> bool:
    """Put `member` in (value=True) or take them out of a special group, with history, flag and audit; True if
    anything changed. `source` names the deciding record (e.g. ``assistance:hardship:12``)."""
    from .actions import set_special_group as _set_special_group

    return _set_special_group(member, group, value, acting_user=acting_user, detail=detail, source=source or "area")


def _subtree_units(unit) -> QuerySet:
    from unionserve.core import tree
    from unionserve.orgs.models import OrgUnit

    return OrgUnit.objects.filter(tree.subtree_q("region_path", unit.region_path or "-")).values("pk")


def count_active_members_under(unit) -> int:
    """Active members of the grassroots unions under `unit` on the regional line (a station's area), SQL COUNT.

    Not scoped: a count, no person, for the stations' staffing rule (001 §二(二)1).
    """
    return Member.objects.filter(status=MemberStatus.ACTIVE, grassroots__in=_subtree_units(unit)).count()


def active_members_per_unit() -> dict[int, int]:
    """{grassroots unit id: active members}, one GROUP BY over the (grassroots, status) index, city-wide counts."""
    from django.db.models import Count

    rows = (Member.objects.filter(status=MemberStatus.ACTIVE).order_by().values("grassroots_id")
            .annotate(n=Count("pk")).values_list("grassroots_id", "n"))
    return dict(rows)


def area_changes(unit, start, end) -> dict[str, int]:
    """Members who joined (joined_on) and left (a membership ending, the member no longer active there) the
    unions under `unit` between `start` and `end` inclusive: the workforce changes of a station's monthly report."""
    import datetime as dt

    from django.utils import timezone

    from .models import MembershipHistory

    units = _subtree_units(unit)
    joined = Member.objects.filter(grassroots__in=units, joined_on__gte=start, joined_on__lte=end).count()
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    hi = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    stayed = Q(member__status=MemberStatus.ACTIVE, member__grassroots__in=units)
    left = (MembershipHistory.objects.filter(grassroots__in=units, until__gte=lo, until__lt=hi).exclude(stayed)
            .values("member_id").distinct().count())
    return {"members_joined": joined, "members_left": left}
