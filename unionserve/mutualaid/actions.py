"""Every change to the plans' data, one function each, in a transaction, with its audit row.

The page and the API call the same functions. Refusals raise ``ActionRefused`` with a message for the user.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve import pii
from unionserve.audit.log import record
from unionserve.cards import public as cards
from unionserve.payouts import public as payouts

from . import medical
from .catalog import MEDICAL
from .enrolling import read_enrolments
from .models import BatchState, CardExport, Enrolment, ExpenseBatch, ExpenseLine, FileImport, FileKind, LineState
from .tables import FileRefused

#: Seed 003 §三: the SMS the member receives when the bank has paid (the seed's words, in simplified script).
MEDICAL_SMS = "您好，在职职工医疗互助保障计划互助金已打入您的京卡·互助服务卡，请注意查收。祝您幸福安康！"
#: The payment's purpose and source key prefix (payouts.request_payment).
MEDICAL_PURPOSE = "mutualaid.medical"
SOURCE_PREFIX = "mutualaid:medical:"


class ActionRefused(ValidationError):
    """The action cannot be done; the message says why, in the user's language."""


# --- enrolment ---------------------------------------------------------------------------------------------------

def import_enrolments(*, path: str, name: str, unit, acting_user, request=None) -> FileImport:
    """Read a unit's list; write every enrolment, or none when a row is wrong (the record keeps the errors)."""
    imp = FileImport(kind=FileKind.ENROLMENT, unit=unit, original_name=name[:200], created_by=acting_user)
    try:
        rows, errors, count = read_enrolments(path, name, user=acting_user)
    except FileRefused as exc:
        rows, errors, count = [], [[0, "", "", str(exc)]], 0
    imp.rows = count
    if not errors and not rows:
        errors = [[0, "", "", _("The file has no rows.")]]
    with transaction.atomic():
        if errors:
            imp.errors, imp.error_count = errors[:medical.MAX_ERRORS], len(errors)
            imp.save()
            return imp
        source = f"import:{name[:30]}"
        Enrolment.objects.bulk_create([Enrolment(unit=unit, source=source, created_by=acting_user, **row)
                                       for row in rows], batch_size=2000)
        imp.created = len(rows)
        imp.save()
        record("mutualaid_enrolled", actor=acting_user, request=request, obj=imp, unit=unit,
               detail={"file": name[:200], "rows": count, "created": len(rows)})
    return imp


def enrol(*, member, plan, year: int, unit, contribution, paid_on: dt.date | None, in_social_insurance: bool,
          acting_user, request=None) -> Enrolment:
    """Enrol one member (the member page's form)."""
    if Enrolment.objects.filter(member=member, plan=plan, year=year).exists():
        raise ActionRefused(_("The member is already enrolled in this plan for this year."))
    with transaction.atomic():
        enrolment = Enrolment.objects.create(member=member, plan=plan, year=year, unit=unit,
                                             contribution=contribution, paid_on=paid_on,
                                             in_social_insurance=in_social_insurance, source="page",
                                             created_by=acting_user)
        record("mutualaid_enrolled", actor=acting_user, request=request, obj=enrolment, unit=unit,
               detail={"member": member.pk, "kind": plan.code, "year": year})
    return enrolment


# --- the daily card export (000 §四.7(1)(2)) ---------------------------------------------------------------------

EXPORT_HEADER = ("身份证号", "姓名", "卡号", "有效起始日期")


def card_export(day: dt.date) -> tuple[bytes, int]:
    """The CSV of every valid card holder enrolled in the medical plan that year, with the count of rows: UTF-8,
    header EXPORT_HEADER, ID numbers in clear (the center matches them), sorted by card number."""
    from .models import Enrolment as E

    enrolled = E.objects.filter(plan__code=MEDICAL, year=day.year, in_social_insurance=True).values("member_id")
    qs = (cards.valid_cards_on(day).filter(member_id__in=enrolled).select_related("member")
          .order_by("number", "pk").only("number", "valid_from", "member__name", "member__id_encrypted"))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_HEADER)
    count = 0
    for card in qs.iterator(chunk_size=2000):
        # The office's own transfer to the center, recorded below as one audited export (not a per-member reveal).
        number = pii.decrypt_unchecked(card.member.id_encrypted)
        writer.writerow((number, card.member.name, card.number or "",
                         card.valid_from.isoformat() if card.valid_from else ""))
        count += 1
    return out.getvalue().encode("utf-8"), count


def export_cards(*, day: dt.date, acting_user=None, request=None) -> tuple[bytes, CardExport]:
    """Make the day's export and record it (rows and SHA-256) with its audit row."""
    data, count = card_export(day)
    with transaction.atomic():
        log = CardExport.objects.create(day=day, rows=count, sha256=hashlib.sha256(data).hexdigest(),
                                        created_by=acting_user)
        record("mutualaid_cards_exported", actor=acting_user, request=request, obj=log,
               detail={"date": day.isoformat(), "rows": count, "sha256": log.sha256})
    return data, log


# --- the quarterly batch ----------------------------------------------------------------------------------------

def import_expenses(*, path: str, name: str, year: int, quarter: int, office, acting_user,
                    request=None) -> ExpenseBatch:
    """Read the center's quarter file into a batch in first review; medical.BatchRefused when refused whole."""
    sha, lines = medical.prepare(path=path, name=name, year=year, quarter=quarter, office=office,
                                 acting_user=acting_user)
    with transaction.atomic():
        batch = ExpenseBatch.objects.create(year=year, quarter=quarter, office=office, original_name=name[:200],
                                            sha256=sha, imported_by=acting_user)
        medical.write_batch(batch, lines)
        FileImport.objects.create(kind=FileKind.EXPENSES, unit=office, original_name=name[:200],
                                  created_by=acting_user, rows=len(lines), created=len(lines))
        record("mutualaid_batch_imported", actor=acting_user, request=request, obj=batch, unit=office,
               detail={"file": name[:200], "rows": batch.lines, "count": batch.flagged, "sha256": sha})
    return batch


def _open_line(line: ExpenseLine) -> None:
    if line.batch.state != BatchState.FIRST_REVIEW:
        raise ActionRefused(_("Lines are checked during the first review only."))
    if line.state not in (LineState.FLAGGED, LineState.ACCEPTED, LineState.CLEARED, LineState.REFUSED):
        raise ActionRefused(_("A line rejected on import cannot be checked."))


def clear_line(line: ExpenseLine, *, acting_user, note: str = "", request=None) -> ExpenseLine:
    """The first reviewer checked a line and lets it be paid."""
    with transaction.atomic():
        line = ExpenseLine.objects.select_for_update().select_related("batch").get(pk=line.pk)
        _open_line(line)
        was = line.state
        line.state, line.review_note = LineState.CLEARED, note[:200]
        line.reviewed_by, line.reviewed_at = acting_user, timezone.now()
        line.save(update_fields=["state", "review_note", "reviewed_by", "reviewed_at"])
        if was == LineState.REFUSED and line.member_id is not None and line.year is not None:
            medical.recompute_member(line.batch, line.member_id, line.year)
        medical.refresh_totals(line.batch)
        record("mutualaid_line_cleared", actor=acting_user, request=request, obj=line, unit=line.batch.office,
               detail={"id": line.pk, "note": note[:200]})
    return line


def refuse_line(line: ExpenseLine, *, acting_user, note: str, request=None) -> ExpenseLine:
    """The first reviewer refuses a line (a reason is required); the member's later lines get the cap it frees."""
    note = (note or "").strip()
    if not note:
        raise ActionRefused(_("Say why the line is refused."))
    with transaction.atomic():
        line = ExpenseLine.objects.select_for_update().select_related("batch").get(pk=line.pk)
        _open_line(line)
        line.state, line.review_note = LineState.REFUSED, note[:200]
        line.reviewed_by, line.reviewed_at = acting_user, timezone.now()
        line.save(update_fields=["state", "review_note", "reviewed_by", "reviewed_at"])
        if line.member_id is not None and line.year is not None:
            medical.recompute_member(line.batch, line.member_id, line.year)
        medical.refresh_totals(line.batch)
        record("mutualaid_line_refused", actor=acting_user, request=request, obj=line, unit=line.batch.office,
               detail={"id": line.pk, "reason": note[:200]})
    return line


def finish_first_review(batch: ExpenseBatch, *, acting_user, request=None) -> ExpenseBatch:
    """The first reviewer signs the batch off: no flagged line may be left unchecked."""
    with transaction.atomic():
        batch = ExpenseBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != BatchState.FIRST_REVIEW:
            raise ActionRefused(_("The batch is not in its first review."))
        left = batch.expense_lines.filter(state=LineState.FLAGGED).count()
        if left:
            raise ActionRefused(_("%(n)d flagged lines are not checked yet.") % {"n": left})
        batch.state, batch.first_reviewer, batch.first_reviewed_at = (BatchState.SECOND_REVIEW, acting_user,
                                                                      timezone.now())
        batch.save(update_fields=["state", "first_reviewer", "first_reviewed_at"])
        record("mutualaid_first_review", actor=acting_user, request=request, obj=batch, unit=batch.office,
               detail={"id": batch.pk})
    return batch


def return_to_first_review(batch: ExpenseBatch, *, acting_user, note: str, request=None) -> ExpenseBatch:
    """The second reviewer sends the batch back to the first review, saying why."""
    note = (note or "").strip()
    if not note:
        raise ActionRefused(_("Say why the batch goes back to the first review."))
    with transaction.atomic():
        batch = ExpenseBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != BatchState.SECOND_REVIEW:
            raise ActionRefused(_("The batch is not in its second review."))
        if batch.first_reviewer_id == acting_user.pk:
            raise ActionRefused(_("The second review is another person's."))
        batch.state, batch.first_reviewer, batch.first_reviewed_at = BatchState.FIRST_REVIEW, None, None
        batch.save(update_fields=["state", "first_reviewer", "first_reviewed_at"])
        record("mutualaid_batch_returned", actor=acting_user, request=request, obj=batch, unit=batch.office,
               detail={"id": batch.pk, "reason": note[:200]})
    return batch


def approve_batch(batch: ExpenseBatch, *, acting_user, request=None) -> ExpenseBatch:
    """The second review by another person approves the batch: every payable line is asked to be paid to the
    member's card (payouts; idempotent per line), with seed 003's SMS."""
    with transaction.atomic():
        batch = ExpenseBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.state != BatchState.SECOND_REVIEW:
            raise ActionRefused(_("The batch is not in its second review."))
        if batch.first_reviewer_id == acting_user.pk:
            raise ActionRefused(_("The second review is another person's: you did the first."))
        payable = batch.expense_lines.filter(state__in=[LineState.ACCEPTED, LineState.CLEARED], payout__gt=0,
                                             member__isnull=False)
        requested = 0
        for line in payable.iterator(chunk_size=2000):
            if line.member_id is None:  # filtered out above; for the type checker
                continue
            payouts.request_payment(
                source_key=f"{SOURCE_PREFIX}{line.pk}", purpose=MEDICAL_PURPOSE, member_id=line.member_id,
                amount=line.payout, reference=f"{batch} {line.hospital} {line.visit_from:%Y-%m-%d}",
                sms_text=MEDICAL_SMS, user=acting_user)
            requested += 1
        payable.update(state=LineState.REQUESTED)
        batch.state, batch.second_reviewer, batch.second_reviewed_at = (BatchState.APPROVED, acting_user,
                                                                        timezone.now())
        batch.save(update_fields=["state", "second_reviewer", "second_reviewed_at"])
        record("mutualaid_batch_approved", actor=acting_user, request=request, obj=batch, unit=batch.office,
               detail={"id": batch.pk, "count": requested})
    return batch


def payment_settled(payment) -> int:
    """The bank's answer for a line's payment (payouts' signal): the line is paid or failed. Returns lines
    changed (0 for another area's payment)."""
    key = payment.source_key or ""
    if not key.startswith(SOURCE_PREFIX):
        return 0
    try:
        pk = int(key[len(SOURCE_PREFIX):])
    except ValueError:
        return 0
    paid = payment.status == payouts.PaymentStatus.PAID
    with transaction.atomic():
        changed = ExpenseLine.objects.filter(pk=pk, state__in=[LineState.REQUESTED, LineState.FAILED]).update(
            state=LineState.PAID if paid else LineState.FAILED, paid_on=payment.paid_on if paid else None)
    return changed
