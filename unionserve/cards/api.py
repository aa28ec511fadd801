"""Jingka cards over the API: search and read cards, collect applications, batches (file and result), the
card's actions, card problems, cards per unit. Every operation checks the role and reads through the scope;
changes call the same `actions` functions as the pages."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from unionserve.core import roles
from unionserve.core.api import Id, Pagination, require_perm
from unionserve.core.scope import scope_of, scoped_view
from unionserve.members.public import get_member

from . import actions, bankfiles
from .models import BankBatch, Card, CardProblem, CardStatus, Document, ProblemKind
from .views import search_cards, stats_unit, unit_figures

router = Router(tags=["cards"])


class CardEventOut(Schema):
    status: str
    at: dt.datetime
    note: str


class ProblemOut(Schema):
    id: int
    card_id: int
    case_number: str
    kind: str
    description: str
    status: str
    resolution: str
    reported_at: dt.datetime
    resolved_at: dt.datetime | None


class CardOut(Schema):
    id: int
    reference: str
    number: str | None
    status: str
    status_label: str
    member_id: int
    member_name: str
    applied_on: dt.date
    applied_at_unit: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    replaces_id: int | None
    batch: str | None
    refusal_reason: str

    @staticmethod
    def resolve_status_label(obj: Card) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_member_name(obj: Card) -> str:
        return obj.member.name

    @staticmethod
    def resolve_applied_at_unit(obj: Card) -> str:
        return obj.applied_at_unit.code

    @staticmethod
    def resolve_batch(obj: Card) -> str | None:
        return obj.batch.number if obj.batch is not None else None


class CardDetailOut(CardOut):
    events: list[CardEventOut]
    problems: list[ProblemOut]

    @staticmethod
    def resolve_events(obj: Card) -> list:
        return list(obj.events.all())

    @staticmethod
    def resolve_problems(obj: Card) -> list:
        return list(obj.problems.all())


class CardBatchOut(Schema):
    id: int
    number: str
    unit: str
    status: str
    count: int
    created_at: dt.datetime
    done_at: dt.datetime | None

    @staticmethod
    def resolve_unit(obj: BankBatch) -> str:
        return obj.unit.code


class ResultOut(Schema):
    batch: str
    already_applied: bool
    rows: int
    issued: int
    refused: int
    unchanged: int


class CardQuery(Schema):
    q: str = Field("", max_length=60)
    status: CardStatus | None = None


class ApplicationIn(Schema):
    member_id: Id
    documents: list[Document] = Field(..., max_length=10)


class ReplaceIn(Schema):
    documents: list[Document] = Field(..., max_length=10)
    note: str = Field("", max_length=200)


class CardNoteIn(Schema):
    note: str = Field("", max_length=200)


class CancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


class ProblemIn(Schema):
    card_id: Id
    case_number: str = Field(..., min_length=1, max_length=32)
    kind: ProblemKind
    description: str = Field("", max_length=500)


class ResolveIn(Schema):
    resolution: str = Field(..., min_length=1, max_length=500)


class UnitCardsOut(Schema):
    unit: str
    name: str
    members: int
    holders: int
    coverage: float | None
    pending: int
    refused: int
    lost: int
    cancelled: int


class StatsOut(Schema):
    unit: UnitCardsOut
    below: list[UnitCardsOut]


def _card(request, pk: int) -> Card:
    return scope_of(request.user).get_object_or_404(
        Card.objects.select_related("member", "applied_at_unit", "batch"), pk=pk)


def _valid(run):
    """ValidationError from an action → 400 with the message (the API's documented error)."""
    try:
        return run()
    except ValidationError as exc:
        from ninja.errors import HttpError

        raise HttpError(400, " ".join(exc.messages)) from exc


@router.get("/cards", response=list[CardOut], summary="Search cards in my scope (member or card number)")
@paginate(Pagination)
@scoped_view
def list_cards(request, filters: Query[CardQuery]):
    require_perm(request, roles.VIEW_CARDS)
    return search_cards(request.user, filters.q, filters.status.value if filters.status else "")


@router.get("/cards/{pk}", response=CardDetailOut, summary="One card with its history and problems")
@scoped_view
def get_card(request, pk: Id):
    require_perm(request, roles.VIEW_CARDS)
    return _card(request, pk)


@router.get("/members/{member_id}/cards", response=list[CardOut], summary="A member's cards")
@scoped_view
def member_cards(request, member_id: Id):
    require_perm(request, roles.VIEW_CARDS)
    if get_member(member_id, user=request.user) is None:
        raise Http404
    return scope_of(request.user).filter(Card.objects.filter(member_id=member_id)).select_related(
        "member", "applied_at_unit", "batch").order_by("-created_at", "-pk")


@router.post("/applications", response={201: CardOut}, summary="Collect a card application at my unit")
@scoped_view
def create_application(request, payload: ApplicationIn):
    require_perm(request, roles.MANAGE_CARDS)
    member = get_member(payload.member_id, user=request.user)
    if member is None:
        raise Http404
    card = _valid(lambda: actions.apply_for_card(member, documents=[d.value for d in payload.documents],
                                                 acting_user=request.user, request=request))
    return 201, _card(request, card.pk)


@router.post("/cards/{pk}/deliver", response=CardOut, summary="The issued card is handed to the member")
@scoped_view
def deliver(request, pk: Id):
    require_perm(request, roles.MANAGE_CARDS)
    card = _card(request, pk)
    return _valid(lambda: actions.deliver(card, acting_user=request.user, request=request))


@router.post("/cards/{pk}/lost", response=CardOut, summary="Report the card lost")
@scoped_view
def report_lost(request, pk: Id, payload: CardNoteIn):
    require_perm(request, roles.MANAGE_CARDS)
    card = _card(request, pk)
    return _valid(lambda: actions.report_lost(card, note=payload.note, acting_user=request.user, request=request))


@router.post("/cards/{pk}/replace", response={201: CardOut}, summary="Apply for a new card replacing this one")
@scoped_view
def replace(request, pk: Id, payload: ReplaceIn):
    require_perm(request, roles.MANAGE_CARDS)
    card = _card(request, pk)
    new = _valid(lambda: actions.replace(card, documents=[d.value for d in payload.documents], note=payload.note,
                                         acting_user=request.user, request=request))
    return 201, _card(request, new.pk)


@router.post("/cards/{pk}/cancel", response=CardOut, summary="Cancel the card")
@scoped_view
def cancel(request, pk: Id, payload: CancelIn):
    require_perm(request, roles.MANAGE_CARDS)
    card = _card(request, pk)
    return _valid(lambda: actions.cancel(card, reason=payload.reason, acting_user=request.user, request=request))


@router.get("/batches", response=list[CardBatchOut], summary="Bank batches in my scope")
@paginate(Pagination)
@scoped_view
def list_batches(request):
    require_perm(request, roles.VIEW_CARDS)
    return scope_of(request.user).filter(BankBatch.objects.select_related("unit"))


@router.post("/batches", response={201: CardBatchOut}, summary="Send the applications waiting at my unit to the bank")
@scoped_view
def create_batch(request):
    require_perm(request, roles.MANAGE_CARDS)
    return 201, _valid(lambda: actions.send_batch(scope_of(request.user).filter(Card.objects.all()),
                                                  acting_user=request.user, request=request))


def _batch(request, pk: int) -> BankBatch:
    return scope_of(request.user).get_object_or_404(BankBatch.objects.select_related("unit"), pk=pk)


@router.get("/batches/{pk}", response=CardBatchOut, summary="One bank batch")
@scoped_view
def get_batch(request, pk: Id):
    require_perm(request, roles.VIEW_CARDS)
    return _batch(request, pk)


@router.get("/batches/{pk}/file", summary="The batch file for the bank (CSV, docs/cards.md)")
@scoped_view
def batch_file(request, pk: Id):
    require_perm(request, roles.MANAGE_CARDS)
    require_perm(request, roles.VIEW_PII)
    batch = _batch(request, pk)
    response = HttpResponse(actions.batch_file_for(batch, acting_user=request.user, request=request),
                            content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="jingka_{batch.number}.csv"'
    return response


class ResultIn(Schema):
    #: The result file's text exactly as the bank sent it (UTF-8), trailer line included.
    content: str = Field(..., min_length=1, max_length=bankfiles.MAX_RESULT_BYTES)
    filename: str = Field("", max_length=200)


@router.post("/batches/{pk}/result", response=ResultOut, summary="Apply the bank's result file (all or nothing)")
@scoped_view
def batch_result(request, pk: Id, payload: ResultIn):
    require_perm(request, roles.MANAGE_CARDS)
    batch = _batch(request, pk)
    outcome = _valid(lambda: actions.apply_result(batch, payload.content.encode("utf-8"), filename=payload.filename,
                                                  acting_user=request.user, request=request))
    r = outcome.result
    return {"batch": batch.number, "already_applied": outcome.already_applied, "rows": r.rows, "issued": r.issued,
            "refused": r.refused, "unchanged": r.unchanged}


@router.post("/problems", response={201: ProblemOut}, summary="Link a 12351 request to the caller's card")
@scoped_view
def report_problem(request, payload: ProblemIn):
    require_perm(request, roles.REPORT_CARD_PROBLEMS)
    card = _card(request, payload.card_id)
    return 201, _valid(lambda: actions.report_problem(card, case_number=payload.case_number, kind=payload.kind.value,
                                                      description=payload.description, acting_user=request.user,
                                                      request=request))


@router.post("/problems/{pk}/resolve", response=ProblemOut, summary="Record what was done about a card problem")
@scoped_view
def resolve_problem(request, pk: Id, payload: ResolveIn):
    require_perm(request, roles.MANAGE_CARDS)
    problem = scope_of(request.user).get_object_or_404(CardProblem.objects.all(), pk=pk)
    return _valid(lambda: actions.resolve_problem(problem, resolution=payload.resolution, acting_user=request.user,
                                                  request=request))


class StatsQuery(Schema):
    unit: Id | None = None


@router.get("/statistics", response=StatsOut, summary="Cards per unit against members, the units below ranked")
@scoped_view
def statistics(request, filters: Query[StatsQuery]):
    require_perm(request, roles.VIEW_CARDS)
    unit = stats_unit(request.user, filters.unit)
    own, rows = unit_figures(request.user, unit)

    def out(r):
        return {"unit": r.unit.code, "name": r.unit.name, "members": r.members, "holders": r.holders,
                "coverage": float(r.coverage) if r.coverage is not None else None, "pending": r.pending,
                "refused": r.refused, "lost": r.lost, "cancelled": r.cancelled}

    return {"unit": out(own), "below": [out(r) for r in rows]}
