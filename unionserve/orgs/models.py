"""The organization: one table of units on two lines (regional and industry)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core import tree
from unionserve.core.units import UnitKind

# Platform level of each kind (seed 000 §一: 一级/二级/三级工作平台).
KIND_LEVEL: dict[str, int] = {
    UnitKind.CITY_CENTER: 1,
    UnitKind.DEPARTMENT: 1,
    UnitKind.DISTRICT_CENTER: 2,
    UnitKind.DEV_AREA_CENTER: 2,
    UnitKind.INDUSTRY_UNION: 2,
    UnitKind.COMPANY_UNION: 2,
    UnitKind.STATION: 3,
    UnitKind.GRASSROOTS: 3,
}

# Which kinds may hang under which on each line; a unit kind missing from a line has no place on it.
REGION_PARENT_KINDS = {
    UnitKind.DEPARTMENT: {UnitKind.CITY_CENTER},
    UnitKind.DISTRICT_CENTER: {UnitKind.CITY_CENTER},
    UnitKind.DEV_AREA_CENTER: {UnitKind.CITY_CENTER},
    UnitKind.STATION: {UnitKind.DISTRICT_CENTER, UnitKind.DEV_AREA_CENTER},
    UnitKind.GRASSROOTS: {UnitKind.STATION},
}
INDUSTRY_PARENT_KINDS = {
    UnitKind.INDUSTRY_UNION: {UnitKind.CITY_CENTER},
    UnitKind.COMPANY_UNION: {UnitKind.INDUSTRY_UNION},
    UnitKind.GRASSROOTS: {UnitKind.COMPANY_UNION, UnitKind.INDUSTRY_UNION},
}


class UnitStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", pgettext_lazy("org unit", "Closed")
    MERGED = "merged", _("Merged")


class OrgUnitQuerySet(models.QuerySet):
    def visible_to(self, user) -> OrgUnitQuerySet:
        """Units inside the user's scope (see core.scope)."""
        from unionserve.core.scope import scope_of

        return scope_of(user).filter(self)

    def active(self) -> OrgUnitQuerySet:
        return self.filter(status=UnitStatus.ACTIVE)

    def region_subtree(self, unit: OrgUnit) -> OrgUnitQuerySet:
        if not unit.region_path:
            return self.none()
        return self.filter(tree.subtree_q("region_path", unit.region_path))

    def industry_subtree(self, unit: OrgUnit) -> OrgUnitQuerySet:
        if not unit.industry_path:
            return self.none()
        return self.filter(tree.subtree_q("industry_path", unit.industry_path))

    def search(self, text: str) -> OrgUnitQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(models.Q(name__contains=text) | models.Q(code__startswith=text))


class OrgUnit(models.Model):
    """A union body at some level: a center, an industry or company union, a station, a grassroots union.

    A unit sits on the regional line (city → district → station → grassroots), on the industry line
    (city → industry → company → grassroots) or on both. Each line keeps a materialized path.
    """

    # Scope: a unit is in a user's scope when its own paths are (core.scope reads this).
    scope_paths = ("region_path", "industry_path")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    level = models.PositiveSmallIntegerField(_("platform level"), choices=[(1, "1"), (2, "2"), (3, "3")])
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("Official division code where the unit has one, otherwise an internal code."),
    )
    division_code = models.CharField(_("division code"), max_length=12, blank=True, db_index=True)
    region_parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="region_children",
        verbose_name=_("parent on the regional line"),
    )
    industry_parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="industry_children",
        verbose_name=_("parent on the industry line"),
    )
    region_path = models.CharField(max_length=96, null=True, blank=True, unique=True)
    industry_path = models.CharField(max_length=96, null=True, blank=True, unique=True)
    status = models.CharField(_("status"), max_length=8, choices=UnitStatus.choices, default=UnitStatus.ACTIVE)
    merged_into = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="merged_units", verbose_name=_("merged into")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == UnitStatus.ACTIVE

    @property
    def paths(self) -> list[str]:
        return [p for p in (self.region_path, self.industry_path) if p]

    def region_ancestors(self) -> list[OrgUnit]:
        """Units from the root down to the regional parent."""
        return self._ancestors(self.region_path)

    def industry_ancestors(self) -> list[OrgUnit]:
        return self._ancestors(self.industry_path)

    def _ancestors(self, path: str | None) -> list[OrgUnit]:
        if not path:
            return []
        ids = tree.ancestor_ids(path)[:-1]
        by_id = OrgUnit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def is_within(self, other: OrgUnit) -> bool:
        """True when this unit lies in `other`'s subtree on either line (or is `other`)."""
        return any(
            own and top and own.startswith(top)
            for own, top in ((self.region_path, other.region_path), (self.industry_path, other.industry_path))
        )


class OrgUnitEvent(models.Model):
    """History of a unit: created, renamed, moved, merged, closed. Append-only."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        RENAMED = "renamed", _("Renamed")
        MOVED = "moved", _("Moved")
        MERGED = "merged", pgettext_lazy("event", "Merged")
        CLOSED = "closed", pgettext_lazy("event", "Closed")
        REOPENED = "reopened", _("Reopened")
        UPDATED = "updated", _("Updated")

    unit = models.ForeignKey(OrgUnit, models.CASCADE, related_name="events")
    action = models.CharField(max_length=10, choices=Action.choices)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    scope_paths = ("unit__region_path", "unit__industry_path")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} {self.action}"
