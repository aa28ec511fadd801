"""Card payout pages: batches (list, new, the batch page with its reconciliation, payout file and result file),
payments waiting with the reason they are held, and the member page's section. Thin: read through the scope,
check the permission, call `actions`, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from unionserve.accounts.http import AuthenticatedHttpRequest
from unionserve.core import roles
from unionserve.core.paging import LookaheadPaginator
from unionserve.core.scope import scoped_view

from . import actions
from .forms import BatchFilterForm, NewBatchForm, PaymentFilterForm, ResultFileForm
from .models import BatchLine, BatchStatus, Payment, PaymentStatus, PayoutBatch

PAGE = 25
LINES_PAGE = 50


def _query(request: AuthenticatedHttpRequest, *drop: str) -> str:
    query = request.GET.copy()
    for key in ("page", *drop):
        query.pop(key, None)
    return query.urlencode()


def batches_in_scope(user):
    """Batches of units in the user's scope, newest first."""
    return (actions.payout_scope(user).filter(PayoutBatch.objects.select_related("org_unit", "created_by"))
            .order_by("-pk"))


def filter_batches(qs, purpose: str = "", status: str = ""):
    if purpose:
        qs = qs.filter(purpose=purpose)
    if status:
        qs = qs.filter(status=status)
    return qs


def filter_payments(qs, purpose: str = "", status: str = ""):
    if purpose:
        qs = qs.filter(actions.purpose_q(purpose)) if purpose.endswith(".*") else qs.filter(purpose=purpose)
    if status:
        return qs.filter(status=status)
    return qs.filter(status__in=actions.ELIGIBLE)


@scoped_view
@permission_required(roles.VIEW_PAYOUTS, raise_exception=True)
@require_GET
def batches(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Payout batches in the user's scope, filtered by purpose and status, paged."""
    form = BatchFilterForm(request.GET or None)
    qs = batches_in_scope(request.user)
    if form.is_valid():
        qs = filter_batches(qs, form.cleaned_data["purpose"].strip(), form.cleaned_data["status"])
    page = LookaheadPaginator(qs, PAGE).get_page(request.GET.get("page"))
    may_manage = request.user.has_perm(roles.MANAGE_PAYOUTS)
    purposes = actions.pending_purposes(request.user) if may_manage else []
    return render(request, "payouts/batch_list.html", {
        "form": form, "page": page, "query": _query(request), "may_manage": may_manage,
        "new_form": NewBatchForm(purposes=purposes) if purposes else None})


@scoped_view
@permission_required(roles.MANAGE_PAYOUTS, raise_exception=True)
@require_POST
def batch_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Build a batch from the waiting payments of one purpose (or finish an interrupted build)."""
    form = NewBatchForm(request.POST, purposes=actions.pending_purposes(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose a purpose with payments waiting."))
        return redirect("payouts:batches")
    try:
        report = actions.build_batch(purpose=form.cleaned_data["purpose"], acting_user=request.user,
                                     request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("payouts:batches")
    assert report.batch is not None
    messages.success(request, _("Batch %(batch)s: %(count)s payments added, %(held)s held without a valid card.")
                     % {"batch": report.batch.number, "count": report.batch.line_count, "held": report.held})
    return redirect("payouts:batch", report.batch.pk)


def _batch_page(request: AuthenticatedHttpRequest, batch: PayoutBatch, *, result_form=None,
                result_errors=None, status: int = 200) -> HttpResponse:
    lines = BatchLine.objects.filter(batch=batch).select_related("payment").order_by("seq")
    page = LookaheadPaginator(lines, LINES_PAGE).get_page(request.GET.get("page"))
    recon = actions.reconcile(batch)
    may_manage = request.user.has_perm(roles.MANAGE_PAYOUTS)
    return render(request, "payouts/batch_detail.html", {
        "batch": batch, "page": page, "query": _query(request), "recon": recon,
        "balanced": actions.is_balanced(recon), "may_manage": may_manage,
        "result_form": result_form or ResultFileForm(), "result_errors": result_errors or [],
        "file_name": actions.file_name(batch)}, status=status)


@scoped_view
@permission_required(roles.VIEW_PAYOUTS, raise_exception=True)
@require_GET
def batch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A batch: its figures, reconciliation, lines (paged), payout file and result file."""
    return _batch_page(request, actions.payout_scope(request.user).get_object_or_404(PayoutBatch.objects.all(), pk=pk))


def _csv(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@scoped_view
@permission_required(roles.MANAGE_PAYOUTS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def batch_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The payout file: POST writes it (the batch is then sent); GET downloads it again once sent."""
    batch = actions.payout_scope(request.user).get_object_or_404(PayoutBatch.objects.all(), pk=pk)
    if request.method == "GET" and batch.status == BatchStatus.OPEN:
        messages.error(request, _("Write the payout file first."))
        return redirect("payouts:batch", batch.pk)
    try:
        content = actions.write_payout_file(batch, acting_user=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("payouts:batch", batch.pk)
    return _csv(content, actions.file_name(batch))


@scoped_view
@permission_required(roles.MANAGE_PAYOUTS, raise_exception=True)
@require_POST
def batch_result(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Apply the bank's result file; a bad file is refused whole with its row errors."""
    batch = actions.payout_scope(request.user).get_object_or_404(PayoutBatch.objects.all(), pk=pk)
    form = ResultFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return _batch_page(request, batch, result_form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        report = actions.apply_result(batch, upload.read(), acting_user=request.user, filename=upload.name,
                                      request=request)
    except actions.ResultRefused as exc:
        return _batch_page(request, batch, result_errors=exc.messages, status=400)
    except ValidationError as exc:
        return _batch_page(request, batch, result_errors=exc.messages, status=400)
    if report.already:
        messages.info(request, _("This result file was already applied; nothing changed."))
    else:
        messages.success(request, _("Result applied: %(paid)s paid, %(failed)s failed (carried to the next batch).")
                         % {"paid": report.paid, "failed": report.failed})
    return redirect("payouts:batch", batch.pk)


@scoped_view
@permission_required(roles.VIEW_PAYOUTS, raise_exception=True)
@require_GET
def payments(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Payments in the user's scope (by default those waiting for a batch), with the reason one is held."""
    form = PaymentFilterForm(request.GET or None)
    qs = actions.payments_in_scope(request.user).order_by("-pk")
    if form.is_valid():
        qs = filter_payments(qs, form.cleaned_data["purpose"].strip(), form.cleaned_data["status"])
    else:
        qs = filter_payments(qs)
    page = LookaheadPaginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(request, "payouts/payment_list.html", {"form": form, "page": page, "query": _query(request)})


def member_section(member, user) -> dict | None:
    """The member page's "Payments to the card": the member's payments and their lines (through the scope)."""
    if not user.has_perm(roles.VIEW_PAYOUTS):
        return None
    found = list(actions.payout_scope(user).filter(Payment.objects.filter(member=member)).select_related("batch")
                 .prefetch_related("lines__batch").order_by("-pk")[:20])
    if not found:
        return None
    return {"payments": found, "paid_status": PaymentStatus.PAID}
