"""Near-duplicate members for review and merging.

One ID number is one person: `Member.id_hash` is unique, so exact duplicates cannot exist in the table (the
same ID number with a different name is caught on import). What remains are near-duplicates: the same name and
the same mobile under different ID numbers, most often one ID number mistyped. Groups whose members also share
the date of birth are marked *likely* (a typo after the birth-date digits); the others are left for the
reviewer to judge. Members who left (including merged ones) are not listed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from unionserve.core.scope import scope_of

from .models import Member, MemberStatus

GROUP_LIMIT = 100


@dataclass
class DuplicateGroup:
    name: str
    members: list[Member]

    @property
    def same_birth_date(self) -> bool:
        """The same name, mobile and date of birth: most likely one person with a mistyped ID number."""
        return len({m.birth_date for m in self.members}) == 1


def _candidates(user):
    return scope_of(user).filter(Member.objects.exclude(status=MemberStatus.LEFT)).exclude(phone_hash="")


def near_duplicates(user, *, limit: int = GROUP_LIMIT) -> tuple[list[DuplicateGroup], bool]:
    """Groups of members in the user's scope with the same name and mobile, and whether there are more groups."""
    keys = list(
        _candidates(user).values("name", "phone_hash").annotate(n=Count("id")).filter(n__gt=1)
        .order_by("name", "phone_hash")[: limit + 1]
    )
    more = len(keys) > limit
    keys = keys[:limit]
    if not keys:
        return [], False
    lookup = Q(pk__in=[])
    for key in keys:
        lookup |= Q(name=key["name"], phone_hash=key["phone_hash"])
    rows = (_candidates(user).filter(lookup).select_related("grassroots", "employer")
            .order_by("name", "phone_hash", "created_at", "pk"))
    groups: dict[tuple[str, str], DuplicateGroup] = {}
    for member in rows:
        groups.setdefault((member.name, member.phone_hash), DuplicateGroup(member.name, [])).members.append(member)
    return [g for g in groups.values() if len(g.members) > 1], more
