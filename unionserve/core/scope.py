"""The one scoping mechanism: what part of the org tree a user may see and touch.

A user's scope is the union of the subtrees under their org unit on both lines (DESIGN.md). Every
model that belongs to somebody declares ``scope_paths = (region_path_lookup, industry_path_lookup)``
naming the paths of its org unit, or, when a row belongs to several units (a case), a classmethod
``scope_filter(scope) -> Q`` built from this scope; ``scope_of(user).filter(qs)`` narrows any
queryset of such a model. Pages, API endpoints, exports and background tasks all go through it, and every view is
marked with ``@scoped_view`` or ``@scope_exempt(reason=...)`` so a test can prove none bypasses it
(accounts/tests/test_scope_coverage.py).

Personal restriction: a user whose roles are only "personal" ones (mediator, lawyer — people who work
cases, not a unit's register) gets ``personal_user_id``. Models that declare ``scope_filter`` (cases)
narrow themselves further to what that person takes part in; models scoped by paths only stay as they
are (those users hold no permission to read them anyway).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from unionserve.core import tree
from unionserve.core.roles import Role

F = TypeVar("F", bound=Callable[..., Any])
M = TypeVar("M", bound=Model)
QS = TypeVar("QS", bound=QuerySet)


class ScopeError(TypeError):
    """A model without `scope_paths` was asked to be scoped."""


@dataclass(frozen=True)
class Scope:
    """The paths under which a user sees data. Empty paths and not `everything`: sees nothing."""

    region_path: str | None = None
    industry_path: str | None = None
    everything: bool = False
    #: Set for users whose roles are all PERSONAL_ROLES: cases narrow to those this user takes part in.
    personal_user_id: int | None = None

    @property
    def is_personal(self) -> bool:
        return self.personal_user_id is not None

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.region_path and not self.industry_path

    def q(self, model: type[Model]) -> Q:
        """A Q object selecting rows of `model` inside this scope."""
        if self.everything:
            if not (getattr(model, "scope_paths", None) or hasattr(model, "scope_filter")):
                raise ScopeError(f"{model.__name__} declares no scope_paths; it cannot be scoped.")
            return Q()
        if hasattr(model, "scope_filter"):
            # A model whose rows belong to several units (a case) says how it is scoped, through this scope.
            return model.scope_filter(self)
        fields = getattr(model, "scope_paths", None)
        if not fields:
            raise ScopeError(f"{model.__name__} declares no scope_paths; it cannot be scoped.")
        region_field, industry_field = fields
        q = Q(pk__in=[])
        if self.region_path and region_field:
            q |= tree.subtree_q(region_field, self.region_path)
        if self.industry_path and industry_field:
            q |= tree.subtree_q(industry_field, self.industry_path)
        return q

    def filter(self, qs: QS) -> QS:
        """Narrow a queryset to this scope."""
        if self.is_empty:
            return qs.none()
        return qs.filter(self.q(qs.model))

    def contains_paths(self, region_path: str | None, industry_path: str | None) -> bool:
        """Whether an object with these org paths is inside the scope."""
        if self.everything:
            return True
        return bool(
            (self.region_path and region_path and region_path.startswith(self.region_path))
            or (self.industry_path and industry_path and industry_path.startswith(self.industry_path))
        )

    def contains_unit(self, unit) -> bool:
        """Whether an org unit is inside the scope."""
        return unit is not None and self.contains_paths(unit.region_path, unit.industry_path)

    def get_object_or_404(self, qs: QuerySet[M], **lookup) -> M:
        """Fetch one object inside the scope; outside it looks exactly like one that does not exist."""
        try:
            return self.filter(qs).get(**lookup)
        except ObjectDoesNotExist as exc:
            raise Http404 from exc


NOTHING = Scope()
EVERYTHING = Scope(everything=True)

#: Roles that work their own cases only. A user holding nothing but these sees only their own cases.
PERSONAL_ROLES = frozenset({Role.MEDIATOR.value, Role.LAWYER.value})


def is_personal_user(user) -> bool:
    """Whether all of the user's roles (at least one) are personal roles (mediator, lawyer)."""
    roles = set(getattr(user, "role_names", ()) or ())
    return bool(roles) and roles <= PERSONAL_ROLES


def scope_of(user) -> Scope:
    """The scope of a user (anonymous or inactive users, and users without a unit, see nothing)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    cached = getattr(user, "_scope_cache", None)
    if cached is not None:
        return cached
    unit = user.org_unit if user.org_unit_id else None
    if unit is None or not unit.is_active:
        scope = NOTHING
    else:
        scope = Scope(region_path=unit.region_path, industry_path=unit.industry_path,
                      personal_user_id=user.pk if is_personal_user(user) else None)
    user._scope_cache = scope
    return scope


def scoped(qs: QS, user) -> QS:
    """Shorthand: `qs` narrowed to `user`'s scope."""
    return scope_of(user).filter(qs)


def scoped_view(view: F) -> F:
    """Mark a view as reading data only through `scope_of` (checked by the coverage test)."""
    view.scope_policy = "scoped"  # type: ignore[attr-defined]
    return view


def scope_exempt(reason: str) -> Callable[[F], F]:
    """Mark a view that touches no scoped data (login, static reference data), with the reason."""

    def mark(view: F) -> F:
        view.scope_policy = f"exempt: {reason}"  # type: ignore[attr-defined]
        return view

    return mark
