"""Cases over the API: list and read in scope, take an action with its fields, the timeline, inbox counts."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from ninja import FilterSchema, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field as PField

from unionserve.core.api import Id, Pagination, Version
from unionserve.core.scope import scope_of, scoped_view

from . import actions, inbox
from .models import Case, CaseEvent
from .permissions import actions_for

router = Router(tags=["cases"])


class StepOut(Schema):
    id: int
    unit_code: str
    unit_name: str
    state: str
    kind: str
    status: str
    due_at: dt.datetime | None
    overdue: bool
    deadline: dict

    @staticmethod
    def resolve_unit_code(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue


class CaseOut(Schema):
    number: str
    process: str
    state: str
    state_label: str
    title: str
    owner_unit: str
    current_unit: str | None
    channel: str
    priority: str
    opened_at: dt.datetime
    due_at: dt.datetime | None
    closed_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_owner_unit(obj) -> str:
        return obj.owner_unit.code

    @staticmethod
    def resolve_current_unit(obj) -> str | None:
        return obj.current_unit.code if obj.current_unit_id else None

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.state_label()


class FieldOut(Schema):
    name: str
    label: str
    kind: str
    required: bool
    choices: list[list[str]]


class ActionOut(Schema):
    code: str
    label: str
    step: int | None
    fields: list[FieldOut]


class CaseDetailOut(CaseOut):
    steps: list[StepOut]
    actions: list[ActionOut]

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.select_related("unit").order_by("created_at", "id"))

    @staticmethod
    def resolve_actions(obj, context) -> list[dict]:
        return [{"code": s.code, "label": str(s.label), "step": s.step.pk if s.step else None,
                 "fields": [{"name": f.name, "label": str(f.label), "kind": f.kind, "required": f.required,
                             "choices": [[str(c), str(label)] for c, label in f.choices]} for f in s.fields]}
                for s in actions_for(obj, context["request"].user)]


class EventOut(Schema):
    at: dt.datetime
    action: str
    action_label: str
    actor: str | None
    actor_unit: str | None
    from_state: str
    to_state: str
    comment: str
    data: dict
    deadline: dict

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.username if obj.actor_id else None

    @staticmethod
    def resolve_actor_unit(obj) -> str | None:
        return obj.actor_unit.code if obj.actor_unit_id else None


class CaseFilter(FilterSchema):
    process: str | None = None
    state: str | None = None
    open: bool | None = PField(None, description="Only open (true) or only closed (false) cases")
    number: str | None = PField(None, description="Start of the case number")

    def filter_open(self, value):
        from django.db.models import Q

        return Q() if value is None else Q(closed_at__isnull=value)

    def filter_number(self, value):
        from django.db.models import Q

        from unionserve.core.queries import prefix_q

        return prefix_q("number", value.strip().upper()) if value else Q()


class ActionIn(Schema):
    version: Version
    step: Id | None = None
    data: dict = {}


def _case(request, number: str) -> Case:
    return scope_of(request.user).get_object_or_404(Case.objects.select_related("owner_unit", "current_unit"),
                                                    number=number)


@router.get("/cases", response=list[CaseOut], summary="List cases in my scope")
@paginate(Pagination)
@scoped_view
def list_cases(request, filters: Query[CaseFilter]):
    qs = scope_of(request.user).filter(Case.objects.select_related("owner_unit", "current_unit"))
    return filters.filter(qs).order_by("-opened_at")


@router.get("/cases/{number}", response=CaseDetailOut, summary="One case, its steps and my possible actions")
@scoped_view
def get_case(request, number: str):
    return _case(request, number)


@router.get("/cases/{number}/timeline", response=list[EventOut], summary="The case's timeline")
@scoped_view
def timeline(request, number: str):
    case = _case(request, number)
    return list(CaseEvent.objects.filter(case=case).select_related("actor", "actor_unit"))


@router.post("/cases/{number}/actions/{action}", response=CaseDetailOut,
             summary="Take an action (the same rules as the page)")
@scoped_view
def take_action(request, number: str, action: str, payload: ActionIn):
    case = _case(request, number)
    if not any(s.code == action for s in actions_for(case, request.user)):
        raise PermissionDenied
    data = {k: v for k, v in payload.data.items() if k != "files"}
    # The same call as the case page and the area pages (e.g. legal aid's assignment page), so the same input
    # gives the same result, assignee and audit row included.
    return actions.perform(case, action, actor=request.user, data=data, version=payload.version,
                           step_id=payload.step, request=request)


class CountsOut(Schema):
    todo: int
    overdue: int
    due_soon: int
    watching: int
    filed: int


@router.get("/inbox/counts", response=CountsOut, summary="My unit's inbox counts")
@scoped_view
def counts(request):
    return inbox.counts(request.user.org_unit_id, assignee_id=inbox.personal_id(request.user))
