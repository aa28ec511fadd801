"""Card payouts over the API: batches (list, read, build), their payout file and the bank's result file, payments
waiting. The same actions as the pages (`actions`), through the same scope and permissions."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from unionserve.core import roles
from unionserve.core.api import Id, LookaheadPagination, require_perm
from unionserve.core.money import Money
from unionserve.core.scope import scoped_view

from . import actions
from .models import BatchLine, BatchStatus, Payment, PaymentStatus, PayoutBatch
from .views import batches_in_scope, filter_batches, filter_payments

router = Router(tags=["payouts"])


class PayoutBatchOut(Schema):
    id: int
    number: str
    purpose: str
    org_unit: str
    status: BatchStatus
    built: bool
    line_count: int
    total: Decimal
    created_at: dt.datetime
    sent_at: dt.datetime | None
    settled_at: dt.datetime | None
    file_sha256: str

    @staticmethod
    def resolve_org_unit(obj: PayoutBatch) -> str:
        return obj.org_unit.name

    @staticmethod
    def resolve_built(obj: PayoutBatch) -> bool:
        return obj.built_at is not None


class ReconOut(Schema):
    label: str
    count: int | None
    total: Decimal | None
    ok: bool | None


class BatchDetailOut(PayoutBatchOut):
    reconciliation: list[ReconOut]
    balanced: bool
    result_sha256: str

    @staticmethod
    def resolve_reconciliation(obj: PayoutBatch) -> list[dict]:
        return [{"label": r.label, "count": r.count, "total": r.total, "ok": r.ok} for r in actions.reconcile(obj)]

    @staticmethod
    def resolve_balanced(obj: PayoutBatch) -> bool:
        return actions.is_balanced(actions.reconcile(obj))


class PayoutLineOut(Schema):
    seq: int
    payment_id: int
    member_name: str
    card: str
    amount: Money
    reference: str
    outcome: str
    reason: str

    @staticmethod
    def resolve_card(obj: BatchLine) -> str:
        return obj.card_masked


class PaymentOut(Schema):
    id: int
    source_key: str
    purpose: str
    member_id: int
    member_name: str
    amount: Money
    reference: str
    status: PaymentStatus
    hold: str
    failure_reason: str
    failures: int
    batch: str | None
    paid_on: dt.date | None
    requested_at: dt.datetime

    @staticmethod
    def resolve_member_name(obj: Payment) -> str:
        return obj.member.name

    @staticmethod
    def resolve_batch(obj: Payment) -> str | None:
        return obj.batch.number if obj.batch else None


class BatchQuery(Schema):
    purpose: str = Field("", max_length=40)
    status: BatchStatus | None = None


class PaymentQuery(Schema):
    purpose: str = Field("", max_length=40)
    status: PaymentStatus | None = None


class BatchIn(Schema):
    purpose: str = Field(..., min_length=1, max_length=40, examples=["mutualaid.claim", "assistance.*"])


class BuildOut(Schema):
    batch: BatchDetailOut
    added: int
    held: int
    resumed: bool


class ApplyOut(Schema):
    batch: BatchDetailOut
    paid: int
    failed: int
    already_applied: bool


def _batch(request, batch_id: int) -> PayoutBatch:
    return actions.payout_scope(request.user).get_object_or_404(PayoutBatch.objects.select_related("org_unit"),
                                                                pk=batch_id)


@router.get("/batches", response=list[PayoutBatchOut], summary="Payout batches in my scope")
@paginate(LookaheadPagination)
@scoped_view
def list_batches(request, filters: Query[BatchQuery]):
    require_perm(request, roles.VIEW_PAYOUTS)
    return filter_batches(batches_in_scope(request.user), filters.purpose.strip(),
                          filters.status.value if filters.status else "")


@router.post("/batches", response={201: BuildOut}, summary="Build a batch from the waiting payments of a purpose")
@scoped_view
def create_batch(request, payload: BatchIn):
    require_perm(request, roles.MANAGE_PAYOUTS)
    report = actions.build_batch(purpose=payload.purpose, acting_user=request.user, request=request)
    assert report.batch is not None
    return 201, {"batch": report.batch, "added": report.added, "held": report.held, "resumed": report.resumed}


@router.get("/batches/{batch_id}", response=BatchDetailOut, summary="One batch with its reconciliation")
@scoped_view
def get_batch(request, batch_id: Id):
    require_perm(request, roles.VIEW_PAYOUTS)
    return _batch(request, batch_id)


@router.get("/batches/{batch_id}/lines", response=list[PayoutLineOut], summary="The lines of a batch")
@paginate(LookaheadPagination)
@scoped_view
def batch_lines(request, batch_id: Id):
    require_perm(request, roles.VIEW_PAYOUTS)
    return BatchLine.objects.filter(batch=_batch(request, batch_id)).order_by("seq")


def _csv(content: bytes, batch: PayoutBatch) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{actions.file_name(batch)}"'
    return response


@router.post("/batches/{batch_id}/file", summary="Write the payout file (the batch is then sent); CSV")
@scoped_view
def write_file(request, batch_id: Id):
    require_perm(request, roles.MANAGE_PAYOUTS)
    batch = _batch(request, batch_id)
    return _csv(actions.write_payout_file(batch, acting_user=request.user, request=request), batch)


@router.get("/batches/{batch_id}/file", summary="Download the payout file of a sent batch again; CSV")
@scoped_view
def download_file(request, batch_id: Id):
    require_perm(request, roles.MANAGE_PAYOUTS)
    batch = _batch(request, batch_id)
    if batch.status == BatchStatus.OPEN:
        raise ValidationError(_("Write the payout file first."))
    return _csv(actions.write_payout_file(batch, acting_user=request.user, request=request), batch)


@router.post("/batches/{batch_id}/result", response=ApplyOut, summary="Apply the bank's result file")
@scoped_view
def apply_result(request, batch_id: Id, file: UploadedFile | None = File(None)):  # noqa: B008
    require_perm(request, roles.MANAGE_PAYOUTS)
    batch = _batch(request, batch_id)
    if file is None:
        raise ValidationError(_("Attach the bank's result file."))
    if file.size and file.size > actions.MAX_RESULT_BYTES:
        raise ValidationError(actions.too_large_message())
    report = actions.apply_result(batch, file.read(), acting_user=request.user, filename=file.name or "",
                                  request=request)
    return {"batch": report.batch, "paid": report.paid, "failed": report.failed, "already_applied": report.already}


@router.get("/payments", response=list[PaymentOut], summary="Payments in my scope (by default those waiting)")
@paginate(LookaheadPagination)
@scoped_view
def list_payments(request, filters: Query[PaymentQuery]):
    require_perm(request, roles.VIEW_PAYOUTS)
    qs = actions.payments_in_scope(request.user).order_by("-pk")
    return filter_payments(qs, filters.purpose.strip(), filters.status.value if filters.status else "")
