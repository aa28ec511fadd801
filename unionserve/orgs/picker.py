"""Finding org units by what people know of them — a name, a code, pinyin initials — for the unit picker.

`core.forms.UnitPicker` asks `views.pick` (JSON) while the user types. The search is bounded (the query is cut
to `MAX_QUERY` characters, at most `LIMIT` answers) and reads only the user's scope, plus — for filing copies,
which go up the tree — the user's own unit's ancestors on both lines (a station files with its district).
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.db.models import Q, QuerySet

from unionserve.core import tree
from unionserve.core.scope import scope_of

from .models import OrgUnit

LIMIT = 20
MAX_QUERY = 40
#: How many units' names are read to match pinyin in one search (the scope of a district: a few thousand).
PINYIN_SCAN = 60_000
_LATIN = re.compile(r"^[a-zA-Z]+$")


@lru_cache(maxsize=100_000)
def pinyin_keys(name: str) -> tuple[str, str]:
    """(initials, full pinyin) of a unit name, lower case: 东华门街道 → ("dhmjd", "donghuamenjiedao")."""
    from pypinyin import Style, lazy_pinyin

    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()
    full = "".join(lazy_pinyin(name, errors="ignore")).lower()
    return initials, full


def ancestors_of(unit: OrgUnit | None) -> QuerySet:
    """The unit's ancestors on both lines (not the unit itself)."""
    if unit is None:
        return OrgUnit.objects.none()
    ids = [i for p in unit.paths for i in tree.ancestor_ids(p)[:-1]]
    return OrgUnit.objects.filter(pk__in=ids)


def candidates(user, *, upward: bool = False) -> QuerySet:
    """Active units the user may pick: the scope, and with `upward` the own unit's ancestors too."""
    qs = scope_of(user).filter(OrgUnit.objects.active())
    if upward and getattr(user, "org_unit_id", None):
        qs = OrgUnit.objects.active().filter(Q(pk__in=qs.values("pk"))
                                             | Q(pk__in=ancestors_of(user.org_unit).values("pk")))
    return qs


def search(user, text: str, *, upward: bool = False, limit: int = LIMIT) -> list[OrgUnit]:
    """Units matching `text` by code prefix, name part, or pinyin (initials or full) prefix; best first."""
    text = "".join((text or "").split())[:MAX_QUERY]
    if not text:
        return []
    qs = candidates(user, upward=upward).select_related("region_parent", "industry_parent")
    found = list(qs.filter(Q(code__startswith=text) | Q(name__contains=text)).order_by("level", "code")[:limit])
    if len(found) < limit and _LATIN.match(text):
        key = text.lower()
        seen = {u.pk for u in found}
        matched: list[int] = []
        for pk, name in qs.values_list("pk", "name").order_by("level", "code")[:PINYIN_SCAN].iterator():
            if pk in seen:
                continue
            initials, full = pinyin_keys(name)
            if initials.startswith(key) or full.startswith(key):
                matched.append(pk)
                if len(found) + len(matched) >= limit:
                    break
        by_pk = qs.in_bulk(matched)
        found += [by_pk[pk] for pk in matched if pk in by_pk]
    return found


def by_codes(user, codes: list[str], *, upward: bool = False) -> list[OrgUnit]:
    """The units of codes already chosen (to show their names), in the given order; unknown codes left out."""
    codes = [c for c in dict.fromkeys(c.strip() for c in codes) if c][:LIMIT]
    found = {u.code: u for u in candidates(user, upward=upward).select_related("region_parent", "industry_parent")
             .filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def describe(unit: OrgUnit) -> dict:
    """What the picker shows of a unit: its name, code, kind and where it sits on both lines."""
    where = [p.name for p in (unit.region_parent, unit.industry_parent) if p is not None]
    return {"code": unit.code, "name": unit.name, "kind": unit.get_kind_display(), "level": unit.level,
            "where": " · ".join(where)}
