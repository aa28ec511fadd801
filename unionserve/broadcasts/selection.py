"""Whom a broadcast reaches: criteria (a JSON-safe dict) → a scoped queryset of active members.

The criteria reuse the register's own lookups (members.search: unit subtrees through ``unit_scope``, special
groups through ``in_group``) and are always applied inside the *sender's* scope (core.scope), at the count,
at the confirmation and again by the background task, so a district user can never reach another district's
members whatever the stored criteria say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from unionserve.core.scope import scope_of
from unionserve.members.public import Gender, Member, MemberStatus, SpecialGroup, in_group, unit_scope

# The values units really use (the import template's list, plus 在岗 that older data carries).
EMPLOYMENT_CHOICES = ["在职", "在岗", "灵活就业", "待岗", "失业", "退休"]

CRITERIA_KEYS = ("area", "unit", "groups", "employment", "gender", "joined_from", "joined_to")


@dataclass(frozen=True)
class Counts:
    """Members selected; of them with a mobile (they receive it) and without one (skipped)."""

    selected: int
    with_phone: int

    @property
    def without_phone(self) -> int:
        return self.selected - self.with_phone


def _date(value) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def members_for(user, criteria: dict) -> QuerySet:
    """Active members matching `criteria` inside `user`'s scope (not ordered, not sliced).

    Keys (all optional, combined with AND): area and unit — codes of org units whose subtree is meant (a unit
    outside the user's scope selects nobody); groups — special groups, any of them (OR); employment — any of the
    values; gender; joined_from / joined_to — ISO dates, inclusive.
    """
    qs = scope_of(user).filter(Member.objects.filter(status=MemberStatus.ACTIVE))
    for key in ("area", "unit"):
        code = str(criteria.get(key) or "").strip()
        if code:
            subtree = unit_scope(user, code)
            qs = subtree.filter(qs) if subtree is not None else qs.none()
    groups = [g for g in criteria.get("groups") or [] if g in SpecialGroup.values]
    if groups:
        condition = Q()
        for group in groups:
            condition |= Q(in_group(group))
        qs = qs.filter(condition)
    employment = [e for e in criteria.get("employment") or [] if e]
    if employment:
        qs = qs.filter(employment__in=employment)
    if criteria.get("gender") in Gender.values:
        qs = qs.filter(gender=criteria["gender"])
    joined_from, joined_to = _date(criteria.get("joined_from")), _date(criteria.get("joined_to"))
    if joined_from:
        qs = qs.filter(joined_on__gte=joined_from)
    if joined_to:
        qs = qs.filter(joined_on__lte=joined_to)
    return qs


def with_phone(qs: QuerySet) -> QuerySet:
    """The members of a selection who have a mobile on record."""
    return qs.exclude(phone_encrypted="")


def count(user, criteria: dict, *, max_member_id: int | None = None) -> Counts:
    """How many members the criteria select, and how many of them have a mobile (one aggregate query)."""
    qs = members_for(user, criteria)
    if max_member_id is not None:
        qs = qs.filter(pk__lte=max_member_id)
    row = qs.aggregate(n=Count("pk"), phone=Count("pk", filter=~Q(phone_encrypted="")))
    return Counts(row["n"] or 0, row["phone"] or 0)


def describe(criteria: dict) -> list[tuple[str, str]]:
    """The criteria as (label, value) pairs for the pages and the audit log."""
    out: list[tuple[str, str]] = []
    labels = {"area": _("Area"), "unit": _("Unit code"), "groups": _("Special groups"),
              "employment": _("Employment status"), "gender": _("Gender"), "joined_from": _("Joined from"),
              "joined_to": _("Joined until")}
    for key in CRITERIA_KEYS:
        value = criteria.get(key)
        if not value:
            continue
        if key == "groups":
            value = ", ".join(str(SpecialGroup(g).label) for g in value if g in SpecialGroup.values)
        elif key == "employment":
            value = ", ".join(value)
        elif key == "gender":
            value = str(Gender(value).label) if value in Gender.values else value
        out.append((str(labels[key]), str(value)))
    return out
