"""Where an affair goes: the suggested handling units and the filing copies the seed requires.

Separate from services.py because the affair's process definition (its dispatch guard and form) uses it, and
services.py reads the process definition.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from unionserve.core.scope import scope_of
from unionserve.members.public import Member
from unionserve.orgs.models import OrgUnit, UnitKind

from .models import Category


@dataclass
class Routing:
    """Suggested dispatch units, filing copies, and why each unit was suggested."""

    units: list[OrgUnit]
    filed: list[OrgUnit]
    why: list[str]


def _ancestor(unit: OrgUnit | None, kinds: set[str], attr: str) -> OrgUnit | None:
    seen = 0
    while unit is not None and seen < 6:
        if unit.kind in kinds:
            return unit
        unit = getattr(unit, attr)
        seen += 1
    return None


_DISTRICT_KINDS: set[str] = {UnitKind.DISTRICT_CENTER, UnitKind.DEV_AREA_CENTER}


def required_filing(units: list[OrgUnit], member: Member | None) -> list[OrgUnit]:
    """The filing copies an affair must have (seed 000 §四.1(1): "同时要向产业和区县总工会备案"): the district
    union of every handling unit below a district, and the member's industry union when the member is known.
    A unit that is itself a district (or a level-1 department) needs no copy of its own district."""
    required: list[OrgUnit] = []
    for unit in units:
        if unit.kind in _DISTRICT_KINDS or unit.level == 1:
            continue
        district = _ancestor(unit.region_parent, _DISTRICT_KINDS, "region_parent")
        if district is not None:
            required.append(district)
    if member is not None:
        industry = _ancestor(member.grassroots, {UnitKind.INDUSTRY_UNION}, "industry_parent")
        if industry is not None:
            required.append(industry)
    handling = {u.pk for u in units}
    return [u for u in dict.fromkeys(required) if u.pk not in handling]


def suggest_routing(category: Category | None, member: Member | None, user=None) -> Routing:
    """Where to dispatch an affair: the category's default department or level, and the member's station /
    district; filing copies to the member's district and industry union and to the district of the suggested
    unit (`required_filing`). Restricted to the user's scope (filing copies: and the user's ancestors)."""
    units: list[OrgUnit] = []
    why: list[str] = []
    station = district = industry = None
    if member is not None:
        grassroots = member.grassroots
        station = _ancestor(grassroots, {UnitKind.STATION}, "region_parent")
        district = _ancestor(grassroots, {UnitKind.DISTRICT_CENTER, UnitKind.DEV_AREA_CENTER}, "region_parent")
        industry = _ancestor(grassroots, {UnitKind.INDUSTRY_UNION}, "industry_parent")
    rule = category
    while rule is not None and rule.default_unit_id is None and rule.default_level is None:
        rule = rule.parent
    if rule is not None and (rule.default_level in (None, 1) or member is None) and rule.default_unit is not None:
        units.append(rule.default_unit)
        why.append(_("the category's handling department"))
    elif rule is not None and rule.default_level == 3 and station is not None:
        units.append(station)
        why.append(_("the member's station"))
    elif rule is not None and rule.default_level == 2 and district is not None:
        units.append(district)
        why.append(_("the member's district"))
    elif station is not None:
        units.append(station)
        why.append(_("the member's station"))
    if user is not None:
        scope = scope_of(user)
        units = [u for u in units if scope.contains_unit(u)]
    filed = [u for u in dict.fromkeys([*required_filing(units, member), district, industry])
             if u is not None and u not in units]
    if user is not None:
        own = getattr(user, "org_unit", None)
        filed = [u for u in filed if scope.contains_unit(u) or (own is not None and own.is_within(u))]
    return Routing(units, filed, why)


