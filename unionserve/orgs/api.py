"""Org units over the API (read-only for now), scoped like the pages."""


from ninja import FilterSchema, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from unionserve.core import roles
from unionserve.core.api import Id, Pagination, require_perm
from unionserve.core.scope import scope_of, scoped_view

from .models import OrgUnit, UnitKind, UnitStatus

router = Router(tags=["org units"])


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    level: int
    code: str
    division_code: str
    status: str
    region_parent_id: int | None
    industry_parent_id: int | None
    address: str
    phone: str

    @staticmethod
    def resolve_kind_label(obj: OrgUnit) -> str:
        return str(obj.get_kind_display())


class UnitFilter(FilterSchema):
    q: str | None = Field(None, description="Part of the name, or the start of the code")
    kind: UnitKind | None = None
    level: int | None = Field(None, ge=1, le=3)
    status: UnitStatus | None = UnitStatus.ACTIVE
    region_parent: Id | None = Field(None, description="Direct children of this unit on the regional line")
    industry_parent: Id | None = Field(None, description="Direct children of this unit on the industry line")

    def filter_q(self, value):
        from django.db.models import Q

        return Q(name__contains=value) | Q(code__startswith=value) if value else Q()

    def filter_region_parent(self, value):
        from django.db.models import Q

        return Q(region_parent_id=value) if value else Q()

    def filter_industry_parent(self, value):
        from django.db.models import Q

        return Q(industry_parent_id=value) if value else Q()




@router.get("/units", response=list[UnitOut], summary="List org units in my scope")
@paginate(Pagination)
@scoped_view
def list_units(request, filters: Query[UnitFilter]):
    require_perm(request, roles.VIEW_UNITS)
    return filters.filter(scope_of(request.user).filter(OrgUnit.objects.all())).order_by("code")


@router.get("/units/{unit_id}", response=UnitOut, summary="One org unit")
@scoped_view
def get_unit(request, unit_id: Id):
    require_perm(request, roles.VIEW_UNITS)
    return scope_of(request.user).get_object_or_404(OrgUnit.objects.all(), pk=unit_id)


@router.get("/units/by-code/{code}", response=UnitOut, summary="One org unit by its code")
@scoped_view
def get_unit_by_code(request, code: str):
    require_perm(request, roles.VIEW_UNITS)
    return scope_of(request.user).get_object_or_404(OrgUnit.objects.all(), code=code)


