"""Finding members: one search box that understands what was typed, within the user's scope.

What the box understands (only indexed lookups, so a keystroke costs one index probe at 4M members):

=====================  =========================================  ==========================
typed                  meaning                                    lookup
=====================  =========================================  ==========================
17 digits + digit/X    resident ID number (exact)                 ``id_hash`` (keyed hash)
11 digits, 1[3-9]…     mobile number (exact)                      ``phone_hash`` (keyed hash)
19 digits              Jingka card number (exact)                 ``card_number``
Latin letters          pinyin initials of the name (prefix)       ``initials`` range
anything else          start of the name                          ``name`` range
=====================  =========================================  ==========================

Results are capped (`LIMIT`): the page asks for one more row than it shows and says "more than 50,
refine" instead of counting the whole scope on every keystroke.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Exists, OuterRef, Q, QuerySet

from unionserve.core.queries import prefix_q
from unionserve.core.scope import Scope, scope_of
from unionserve.orgs.models import OrgUnit
from unionserve.pii import hash_q, mask_id, mask_phone

from .models import Member, SpecialGroupRecord

LIMIT = 50

_ID_RE = re.compile(r"^\d{17}[\dXx]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_CARD_RE = re.compile(r"^\d{19}$")
_INITIALS_RE = re.compile(r"^[A-Za-z]{1,20}$")


class QueryKind(StrEnum):
    EMPTY = "empty"
    ID_NUMBER = "id_number"
    MOBILE = "mobile"
    CARD = "card"
    INITIALS = "initials"
    NAME = "name"


def initials_of(name: str) -> str:
    """Pinyin initials of a name, upper case (张三 → ZS); other characters keep their first letter."""
    # Imported on first use, as orgs.picker does: pypinyin's dictionaries take about 50 MB, and this module is
    # imported while Django starts (the engine loads the process definitions, which use the register's public
    # module), so every process — the import's main process, Celery workers — would carry them unused.
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(name.strip(), style=Style.FIRST_LETTER, errors="ignore")
    return "".join(part[:1] for part in letters if part).upper()[:20]


def classify(text: str) -> tuple[QueryKind, str]:
    """What the search box text is, and its normalized value."""
    value = "".join(text.split())
    if not value:
        return QueryKind.EMPTY, ""
    if _ID_RE.match(value):
        return QueryKind.ID_NUMBER, value.upper()
    if value.startswith("+86"):
        value = value[3:]
    if _MOBILE_RE.match(value):
        return QueryKind.MOBILE, value
    if _CARD_RE.match(value):
        return QueryKind.CARD, value
    if _INITIALS_RE.match(value):
        return QueryKind.INITIALS, value.upper()
    return QueryKind.NAME, text.strip()


def text_q(text: str) -> Q | None:
    """The lookup for the search box text; None when the box is empty."""
    kind, value = classify(text)
    if kind is QueryKind.EMPTY:
        return None
    if kind is QueryKind.ID_NUMBER:
        return hash_q("id", value)
    if kind is QueryKind.MOBILE:
        return hash_q("phone", value)
    if kind is QueryKind.CARD:
        return Q(card_number=value)
    if kind is QueryKind.INITIALS:
        return prefix_q("initials", value)
    return prefix_q("name", value)


def in_group(group: str) -> Exists:
    """Members currently in a special group (an open SpecialGroupRecord)."""
    return Exists(SpecialGroupRecord.objects.filter(member=OuterRef("pk"), group=group, until__isnull=True))


def unit_scope(user, code: str) -> Scope | None:
    """The subtree of the unit with this code, if that unit is in the user's scope; else None."""
    unit = scope_of(user).filter(OrgUnit.objects.filter(code=code.strip())).first()
    if unit is None:
        return None
    return Scope(region_path=unit.region_path, industry_path=unit.industry_path)


@dataclass
class MemberFilter:
    """What a user asked for: box text, a unit (code; its whole subtree), a status, a special group."""

    q: str = ""
    unit: str = ""
    status: str = ""
    group: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.q.strip() or self.unit.strip() or self.status or self.group)

    def as_dict(self) -> dict[str, str]:
        return {"q": self.q, "unit": self.unit, "status": self.status, "group": self.group}

    def apply(self, user, qs: QuerySet | None = None) -> QuerySet:
        """The scoped queryset of members matching this filter (not sliced, not ordered)."""
        qs = scope_of(user).filter(qs if qs is not None else Member.objects.all())
        lookup = text_q(self.q)
        if lookup is not None:
            qs = qs.filter(lookup)
        if self.unit.strip():
            unit = unit_scope(user, self.unit)
            qs = unit.filter(qs) if unit is not None else qs.none()
        if self.status:
            qs = qs.filter(status=self.status)
        if self.group:
            qs = qs.filter(in_group(self.group))
        return qs


@dataclass
class SearchResult:
    members: list[Member]
    more: bool
    kind: QueryKind


def search_members(user, flt: MemberFilter, *, limit: int = LIMIT) -> SearchResult:
    """At most `limit` members for a filter, and whether there are more (no COUNT over the scope)."""
    kind, _value = classify(flt.q)
    if flt.is_empty:
        return SearchResult([], False, kind)
    qs = flt.apply(user, Member.objects.select_related("grassroots", "employer"))
    # The order rides on the index that answers the prefix, so the first rows come straight off it and the
    # scope is checked only for them: name order for a name, (initials, name) for initials (the index holds
    # both). Sorting every match instead was seconds at 4M members for two letters of initials. Exact keys
    # return a handful of rows.
    order = ("initials", "name", "pk") if kind is QueryKind.INITIALS else ("name", "pk")
    rows = list(qs.order_by(*order)[: limit + 1])
    return SearchResult(rows[:limit], len(rows) > limit, kind)


_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


@dataclass
class EmployerFilter:
    """Employers by name prefix or exact USCC, with or without a union, in the user's scope."""

    q: str = ""
    has_union: str = ""  # "1", "0" or "" (all)

    def as_dict(self) -> dict[str, str]:
        return {"q": self.q, "has_union": self.has_union}

    def apply(self, user, qs: QuerySet | None = None) -> QuerySet:
        from .models import Employer

        qs = scope_of(user).filter(qs if qs is not None else Employer.objects.all())
        text = "".join(self.q.split())
        if text:
            qs = qs.filter(uscc=text.upper()) if _USCC_RE.match(text.upper()) else qs.filter(
                prefix_q("name", self.q.strip()))
        if self.has_union in ("0", "1"):
            qs = qs.filter(has_union=self.has_union == "1")
        return qs


def audit_safe(flt: MemberFilter) -> dict[str, str]:
    """The filter for the audit log: an ID number or mobile typed in the box is stored masked."""
    data = flt.as_dict()
    kind, value = classify(flt.q)
    if kind is QueryKind.ID_NUMBER:
        data["q"] = mask_id(value)
    elif kind is QueryKind.MOBILE:
        data["q"] = mask_phone(value)
    return data
