"""Cards per unit against members (seed 004: 3,555,000 cards for the city's members), rolled up both lines of
the tree (core.rollup) and ranked by coverage.

Two GROUP BY queries over the user's scope, per grassroots union: the active members, and the cards by state
(members holding a usable card counted once each). The roll-up adds each grassroots union's vector to every unit
above it on either line, once. Nothing is counted in Python row by row: at 4M members and 3.5M cards the database
returns one row per grassroots union.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from unionserve.core import rollup
from unionserve.core.numbers import percent
from unionserve.core.scope import Scope, scope_of
from unionserve.members.public import MemberStatus, members_in_scope
from unionserve.orgs.models import OrgUnit

from .models import VALID_STATUSES, Card, CardStatus

#: The vector per unit: active members, active members with a usable card, applications at the station or the
#: bank, refused, lost (not yet replaced), cancelled.
FIELDS = ("members", "holders", "pending", "refused", "lost", "cancelled")
WIDTH = len(FIELDS)


@dataclass
class UnitCards:
    unit: OrgUnit
    vector: list[int]

    def __getattr__(self, name: str) -> int:
        if name in FIELDS:
            return self.vector[FIELDS.index(name)]
        raise AttributeError(name)

    @property
    def coverage(self) -> Decimal | None:
        """Share of the active members who hold a usable card (a percentage), None without members."""
        return percent(self.vector[1], self.vector[0])


def leaf_vectors(user, unit: OrgUnit | None = None) -> dict[int, list[int]]:
    """Per grassroots union (id): the counts of FIELDS, from two GROUP BY queries inside the user's scope and, when
    `unit` is given, only under that unit (a district's page reads its district, not the whole city)."""
    out: dict[int, list[int]] = {}
    under = Scope(region_path=unit.region_path, industry_path=unit.industry_path) if unit is not None else None
    member_qs = members_in_scope(user).filter(status=MemberStatus.ACTIVE)
    card_qs = scope_of(user).filter(Card.objects.all())
    if under is not None:
        member_qs, card_qs = under.filter(member_qs), under.filter(card_qs)
    members = member_qs.values_list("grassroots_id").annotate(n=Count("pk")).order_by()
    for unit_id, n in members:
        out.setdefault(unit_id, [0] * WIDTH)[0] = n
    cards = (card_qs.values_list("member__grassroots_id").annotate(
        holders=Count("member", distinct=True,
                      filter=Q(status__in=VALID_STATUSES, member__status=MemberStatus.ACTIVE)),
        pending=Count("pk", filter=Q(status__in=(CardStatus.APPLIED, CardStatus.IN_PRODUCTION))),
        refused=Count("pk", filter=Q(status=CardStatus.REFUSED)),
        lost=Count("pk", filter=Q(status=CardStatus.LOST)),
        cancelled=Count("pk", filter=Q(status=CardStatus.CANCELLED)),
    ).order_by())
    for unit_id, *values in cards:
        vector = out.setdefault(unit_id, [0] * WIDTH)
        vector[1:] = values
    return out


def rolled_up(units: list[OrgUnit], vectors: dict[int, list[int]]) -> list[UnitCards]:
    """Each unit's figures: the sum over the grassroots unions below it on either line (each counted once)."""
    paths = OrgUnit.objects.filter(pk__in=list(vectors)).values_list("pk", "region_path", "industry_path")
    totals = rollup.roll_up((region, industry, vectors[pk]) for pk, region, industry in paths)
    return [UnitCards(unit, totals.get(unit.pk, [0] * WIDTH)) for unit in units]


def ranked(rows: list[UnitCards]) -> list[UnitCards]:
    """Highest coverage first; units without members last (by code)."""
    return sorted(rows, key=lambda r: (r.coverage is None, -(r.coverage or 0), -r.members, r.unit.code))


def children_of(user, unit: OrgUnit) -> QuerySet[OrgUnit]:
    """The units directly below `unit` on both lines, in the user's scope."""
    return scope_of(user).filter(OrgUnit.objects.filter(Q(region_parent=unit) | Q(industry_parent=unit)))
