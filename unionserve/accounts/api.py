"""Users over the API (read-only for now), scoped like the pages."""


from django.db.models import Q
from ninja import FilterSchema, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from unionserve.core import roles
from unionserve.core.api import Id, Pagination, require_perm
from unionserve.core.roles import Role
from unionserve.core.scope import scope_exempt, scope_of, scoped_view

from .models import User

router = Router(tags=["users"])


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    org_unit_id: int | None
    org_unit_name: str | None
    roles: list[str]
    is_active: bool
    last_login: str | None

    @staticmethod
    def resolve_org_unit_name(obj: User) -> str | None:
        return obj.org_unit.name if obj.org_unit else None

    @staticmethod
    def resolve_roles(obj: User) -> list[str]:
        return sorted(g.role for g in obj.role_grants.all())

    @staticmethod
    def resolve_last_login(obj: User) -> str | None:
        return obj.last_login.isoformat() if obj.last_login else None


class MeOut(UserOut):
    permissions: list[str]

    @staticmethod
    def resolve_permissions(obj: User) -> list[str]:
        return sorted(obj.get_all_permissions())


class UserFilter(FilterSchema):
    q: str | None = Field(None, description="Part of the user name or name")
    role: Role | None = None
    org_unit: Id | None = Field(None, description="Users of exactly this unit")
    is_active: bool | None = True

    def filter_q(self, value):
        return Q(username__icontains=value) | Q(display_name__contains=value) if value else Q()

    def filter_role(self, value):
        return Q(role_grants__role=value) if value else Q()

    def filter_org_unit(self, value):
        return Q(org_unit_id=value) if value else Q()


@router.get("/me", response=MeOut, summary="The caller's own account")
@scope_exempt(reason="the caller's own account")
def me(request):
    return request.user


@router.get("/users", response=list[UserOut], summary="List users in my scope")
@paginate(Pagination)
@scoped_view
def list_users(request, filters: Query[UserFilter]):
    require_perm(request, roles.VIEW_USERS)
    qs = scope_of(request.user).filter(User.objects.select_related("org_unit").prefetch_related("role_grants"))
    return filters.filter(qs).distinct().order_by("username")


@router.get("/users/{user_id}", response=UserOut, summary="One user")
@scoped_view
def get_user(request, user_id: Id):
    require_perm(request, roles.VIEW_USERS)
    return scope_of(request.user).get_object_or_404(
        User.objects.select_related("org_unit").prefetch_related("role_grants"), pk=user_id
    )
