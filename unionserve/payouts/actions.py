"""Every state change of card payouts, one function each, with the acting user and its audit row.

Never twice, nothing lost (DESIGN "Payouts"; seed 003 §三: 理赔金划拨至职工京卡中 … 及时发短信提醒):

- **Building** a batch takes the eligible payments (waiting, or failed at the bank before) of one purpose in the
  user's scope in chunks; each chunk adds its lines and marks its payments in one transaction, guarded by their
  status, and a unique constraint allows one line waiting for the bank per payment. A build killed half-way
  leaves an unfinished batch (``built_at`` empty) that the next build of the same purpose and unit resumes.
- **Writing** the payout file is deterministic: the first write marks the batch sent and keeps the file's trailer
  and SHA-256; later downloads must give the same bytes.
- **Applying** the bank's result file checks the whole file first (nothing is applied from a bad file), keeps its
  SHA-256, then settles the lines still waiting, chunk by chunk, each line guarded by its outcome. Applying the
  same file again, or after a crash, settles only what is left; another file is refused.

The paid member's SMS, served visit and the paying area's `payment_settled` receivers happen in the same
transaction as the line they follow, so a crash can neither lose nor repeat them.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve import pii
from unionserve.audit.log import record
from unionserve.cards.public import valid_cards_on
from unionserve.core import roles
from unionserve.core.money import MAX_AMOUNT
from unionserve.core.scope import Scope, scope_of
from unionserve.core.units import UnitKind
from unionserve.notifications.api import Direct, queue_direct
from unionserve.notifications.models import Channel
from unionserve.visits.public import record_visit

from .models import BatchLine, BatchStatus, HoldReason, LineOutcome, Payment, PaymentStatus, PayoutBatch
from .signals import payment_settled

#: Payments a batch may take: waiting, or refused by the bank before (carried over), and in no batch.
ELIGIBLE = (PaymentStatus.PENDING, PaymentStatus.FAILED)
#: Rows per transaction when building or applying (small enough to keep the write lock short).
CHUNK = 1000
#: The largest result file accepted (a 200,000-line batch answers in about 12 MB).
MAX_RESULT_BYTES = 64 * 1024 * 1024
#: Row errors listed before "and N more".
MAX_ERRORS = 50
PURPOSE_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?$")
RESULT_PAID, RESULT_FAILED = "PAID", "FAILED"
TRAILER = "TRAILER"

# Audit actions of this app (recorded as their code; see the report: AuditAction entries to add at merge).
BATCH_BUILT = "payout_batch_built"
FILE_WRITTEN = "payout_file_written"
FILE_DOWNLOADED = "payout_file_downloaded"
RESULT_RECEIVED = "payout_result_received"
RESULT_APPLIED = "payout_result_applied"
RESULT_REFUSED = "payout_result_refused"


def _chunk() -> int:
    return max(1, int(os.environ.get("PAYOUTS_CHUNK", CHUNK)))


def _pause_hook(done: int) -> None:
    """Test hook: after `PAYOUTS_PAUSE_AFTER` rows committed, sleep `PAYOUTS_PAUSE_SECONDS` (so that a test can
    kill the process with SIGKILL half-way through and prove that a re-run completes without doing twice)."""
    after = os.environ.get("PAYOUTS_PAUSE_AFTER")
    if after and done >= int(after):
        time.sleep(float(os.environ.get("PAYOUTS_PAUSE_SECONDS", "60")))


def _require(user, perm: str) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied(_("Your roles do not include managing card payouts."))


def count_and_total(qs) -> tuple[int, Decimal]:
    """How many rows and the exact sum of their amounts. Summed in Python: SQLite's SUM goes through a float,
    which loses fen on large totals."""
    count, total = 0, Decimal("0.00")
    for amount in qs.values_list("amount", flat=True).iterator(chunk_size=5000):
        count += 1
        total += amount
    return count, total


def money_text(amount: Decimal) -> str:
    """An amount as the bank files write it: yuan with exactly two decimals."""
    return f"{amount:.2f}"


# --- which payments --------------------------------------------------------------------------------------------


def payout_scope(user) -> Scope:
    """Whose payments and batches `user` handles: the user's scope, except that a functional department of the city
    (the mutual-insurance center 职工互助保险服务中心, D07) pays members city-wide, as its city center does — its own
    subtree holds no members (DESIGN: level 1 decides and pays; seed 003 §三)."""
    scope = scope_of(user)
    unit = getattr(user, "org_unit", None)
    if scope.is_empty or unit is None or unit.kind != UnitKind.DEPARTMENT or unit.region_parent_id is None:
        return scope
    city = unit.region_parent
    return Scope(region_path=city.region_path, industry_path=city.industry_path,
                 personal_user_id=scope.personal_user_id)


def check_purpose(purpose: str) -> str:
    """A purpose as batches take it: "mutualaid.medical", or a family "assistance.*"."""
    purpose = (purpose or "").strip()
    if len(purpose) > 40 or not PURPOSE_RE.match(purpose):
        raise ValidationError(_("Choose the purpose of the payments to pay (for example mutualaid.medical)."))
    return purpose


def purpose_q(purpose: str) -> Q:
    """Payments of this purpose (or of this family, for "area.*")."""
    if purpose.endswith(".*"):
        return Q(purpose__startswith=purpose[:-1])
    return Q(purpose=purpose)


def payments_in_scope(user) -> QuerySet[Payment]:
    """Every payment to a member of the user's scope."""
    return payout_scope(user).filter(Payment.objects.select_related("member", "batch"))


def eligible_payments(user, purpose: str) -> QuerySet[Payment]:
    """The payments of `purpose` in the user's scope that the next batch may take."""
    return payout_scope(user).filter(Payment.objects.filter(status__in=ELIGIBLE, batch__isnull=True)
                                     .filter(purpose_q(purpose)))


def pending_purposes(user) -> list[str]:
    """The purposes with payments waiting in the user's scope, and their families ("assistance.*")."""
    found = sorted(set(payout_scope(user).filter(Payment.objects.filter(status__in=ELIGIBLE, batch__isnull=True))
                       .values_list("purpose", flat=True).distinct()))
    families = sorted({p.split(".", 1)[0] + ".*" for p in found if "." in p})
    return found + families


def _valid_card_numbers(member_ids: list[int], day: dt.date) -> dict[int, str]:
    """The number of each member's valid card on `day` (the newest, as `cards.public.valid_card` picks it)."""
    numbers: dict[int, str] = {}
    rows = (valid_cards_on(day).filter(member_id__in=member_ids, number__isnull=False).exclude(number="")
            .order_by("member_id", "-valid_from", "-pk").values_list("member_id", "number"))
    for member_id, number in rows:
        if number:
            numbers.setdefault(member_id, number)
    return numbers


# --- building a batch ------------------------------------------------------------------------------------------


def _next_number(day: dt.date) -> str:
    prefix = f"PO{day:%Y%m%d}-"
    last = (PayoutBatch.objects.filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    return f"{prefix}{int(last[len(prefix):]) + 1 if last else 1:03d}"


@dataclass
class BuildReport:
    batch: PayoutBatch | None
    added: int = 0
    held: int = 0
    resumed: bool = False


def build_batch(*, purpose: str, acting_user, on: dt.date | None = None, request=None) -> BuildReport:
    """Gather the eligible payments of `purpose` in the user's scope into a batch (or finish an interrupted one).

    Each payment gets the number of the member's valid card on `on` (today); one without a valid card stays
    waiting, marked "no valid card". Refused when nothing can be paid.
    """
    _require(acting_user, roles.MANAGE_PAYOUTS)
    purpose = check_purpose(purpose)
    unit = acting_user.org_unit
    if unit is None:
        raise PermissionDenied(_("Your account has no unit."))
    day = on or timezone.localdate()
    batch = PayoutBatch.objects.filter(org_unit=unit, purpose=purpose, status=BatchStatus.OPEN,
                                       built_at__isnull=True).first()
    report = BuildReport(batch=batch, resumed=batch is not None)
    if batch is None:
        if not eligible_payments(acting_user, purpose).exists():
            raise ValidationError(_("No payment of this purpose is waiting in your scope."))
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    batch = PayoutBatch.objects.create(number=_next_number(day), purpose=purpose, org_unit=unit,
                                                       created_by=acting_user)
                break
            except IntegrityError:  # another build took the number at the same moment
                continue
        else:  # pragma: no cover - five clashes in a row
            raise ValidationError(_("Could not number the batch; try again."))
        report.batch = batch
    assert batch is not None
    seq = batch.lines.aggregate(m=Max("seq"))["m"] or 0
    after = 0
    chunk = _chunk()
    held_ids: set[int] = set()
    while True:
        rows = list(eligible_payments(acting_user, purpose).filter(pk__gt=after).order_by("pk")
                    .values_list("pk", "member_id", "member__name", "amount", "source_key")[:chunk])
        if not rows:
            break
        after = rows[-1][0]
        cards = _valid_card_numbers(sorted({r[1] for r in rows}), day)
        lines, held = [], []
        for pk, member_id, name, amount, key in rows:
            number = cards.get(member_id)
            if number is None:
                held.append(pk)
                continue
            seq += 1
            lines.append(BatchLine(batch=batch, payment_id=pk, seq=seq, card_number=number, member_name=name,
                                   amount=amount, reference=key))
        with transaction.atomic():
            if lines:
                taken = Payment.objects.filter(pk__in=[ln.payment_id for ln in lines], batch__isnull=True,
                                               status__in=ELIGIBLE).update(
                    status=PaymentStatus.IN_BATCH, batch=batch, hold=HoldReason.NONE)
                if taken != len(lines):
                    # Another build took some of them meanwhile: undo this chunk; the next round skips them.
                    raise ValidationError(_("Some payments were taken by another batch meanwhile; run the build "
                                            "again to finish this batch."))
                BatchLine.objects.bulk_create(lines)
                Payment.objects.bulk_update([Payment(pk=ln.payment_id, card_number=ln.card_number) for ln in lines],
                                            ["card_number"], batch_size=500)
            if held:
                Payment.objects.filter(pk__in=held, status__in=ELIGIBLE).update(hold=HoldReason.NO_CARD)
        held_ids.update(held)
        report.added += len(lines)
        _pause_hook(report.added)
    report.held = len(held_ids)
    with transaction.atomic():
        n, total = count_and_total(batch.lines.all())
        if not n:
            # Every payment was held: no empty batch is left behind.
            PayoutBatch.objects.filter(pk=batch.pk, built_at__isnull=True).delete()
    if not n:
        raise ValidationError(_("No payment could be added: %(held)s payments wait for a valid Jingka card.")
                              % {"held": report.held})
    with transaction.atomic():
        done = PayoutBatch.objects.filter(pk=batch.pk, built_at__isnull=True).update(
            built_at=timezone.now(), line_count=n, total=total)
        if done:
            record(BATCH_BUILT, actor=acting_user, request=request, obj=batch, unit=batch.org_unit,
                   detail={"batch": batch.number, "purpose": purpose, "count": n, "total": money_text(total),
                           "held": report.held, "resumed": report.resumed})
    batch.refresh_from_db()
    return report


# --- the payout file -------------------------------------------------------------------------------------------


def render_payout_file(batch: PayoutBatch) -> tuple[bytes, int, Decimal]:
    """The bank's payout file of a batch (docs/payouts.md): UTF-8 CSV, one line per payment
    ``sequence,card number,member name,amount,reference`` in sequence order, then ``TRAILER,count,total``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    count, total = 0, Decimal("0.00")
    rows = (BatchLine.objects.filter(batch=batch).order_by("seq")
            .values_list("seq", "card_number", "member_name", "amount", "reference"))
    for seq, card, name, amount, reference in rows.iterator(chunk_size=5000):
        writer.writerow((seq, card, name, money_text(amount), reference))
        count += 1
        total += amount
    writer.writerow((TRAILER, count, money_text(total)))
    return out.getvalue().encode("utf-8"), count, total


def file_name(batch: PayoutBatch) -> str:
    return f"{batch.number}.csv"


def write_payout_file(batch: PayoutBatch, *, acting_user, request=None) -> bytes:
    """The batch's payout file for the bank. The first write marks the batch sent; a later one gives the same
    bytes (checked against the SHA-256 kept) or is refused."""
    _require(acting_user, roles.MANAGE_PAYOUTS)
    batch.refresh_from_db()
    if batch.built_at is None:
        raise ValidationError(_("The batch is still being built; build it again to finish it first."))
    content, count, total = render_payout_file(batch)
    if count != batch.line_count or total != batch.total:
        raise ValidationError(_("The lines of the batch (%(count)s, %(total)s yuan) no longer match its total "
                                "(%(expected_count)s, %(expected_total)s yuan); nothing was written.")
                              % {"count": count, "total": money_text(total), "expected_count": batch.line_count,
                                 "expected_total": money_text(batch.total)})
    sha = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        first = PayoutBatch.objects.filter(pk=batch.pk, status=BatchStatus.OPEN).update(
            status=BatchStatus.SENT, sent_at=timezone.now(), file_count=count, file_total=total, file_sha256=sha)
        if not first:
            batch.refresh_from_db()
            if sha != batch.file_sha256:
                raise ValidationError(_("The batch's lines differ from the payout file sent to the bank "
                                        "(checksum mismatch); nothing was written."))
        record(FILE_WRITTEN if first else FILE_DOWNLOADED, actor=acting_user, request=request, obj=batch,
               unit=batch.org_unit, detail={"batch": batch.number, "count": count, "total": money_text(total),
                                            "sha256": sha})
    batch.refresh_from_db()
    return content


# --- the bank's result file ------------------------------------------------------------------------------------


@dataclass
class ParsedResult:
    """A result file checked against its batch: reference → (result, reason)."""

    results: dict[str, tuple[str, str]] = field(default_factory=dict)
    paid_count: int = 0
    paid_total: Decimal = Decimal("0.00")
    failed_count: int = 0
    failed_total: Decimal = Decimal("0.00")


class ResultRefused(ValidationError):
    """The result file is refused whole; ``messages`` are its row errors."""


def too_large_message() -> str:
    return _("The result file is larger than %(mb)s MB.") % {"mb": MAX_RESULT_BYTES // 2 ** 20}


def _amount(text: str) -> Decimal | None:
    text = text.strip()
    if not re.fullmatch(r"\d{1,12}\.\d{2}", text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern excludes it
        return None
    return value if value <= MAX_AMOUNT else None


def parse_result(batch: PayoutBatch, content: bytes) -> ParsedResult:
    """Check a result file against its batch; raises ResultRefused listing every row error (nothing applied).

    Format (docs/payouts.md): UTF-8 CSV, one line per payment ``reference,amount,PAID|FAILED,reason``, then
    ``TRAILER,count,total``; every line of the batch answered exactly once."""
    if len(content) > MAX_RESULT_BYTES:
        raise ResultRefused([too_large_message()])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ResultRefused([_("The result file is not UTF-8 text.")]) from None
    lines = {ref: (amount, outcome) for ref, amount, outcome in
             BatchLine.objects.filter(batch=batch).values_list("reference", "amount", "outcome")}
    errors: list[str] = []
    parsed = ParsedResult()
    amounts: dict[str, Decimal] = {}
    first_row: dict[str, int] = {}
    outside: dict[str, int] = {}
    trailer: tuple[int, list[str]] | None = None
    data_rows = 0

    def error(row: int, message: str) -> None:
        errors.append(_("Line %(row)s: %(message)s") % {"row": row, "message": message})

    for row, fields in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not fields or all(not f.strip() for f in fields):
            continue
        if trailer is not None:
            error(row, _("there is a line after the trailer line."))
            continue
        if fields[0].strip() == TRAILER:
            trailer = (row, fields)
            continue
        data_rows += 1
        if len(fields) != 4:
            error(row, _("expected 4 fields (reference, amount, PAID or FAILED, reason), found %(n)s.")
                  % {"n": len(fields)})
            continue
        reference, amount_text, result, reason = (f.strip() for f in fields)
        result = result.upper()
        amount = _amount(amount_text)
        if amount is None:
            error(row, _("the amount “%(amount)s” is not an amount with two decimals.") % {"amount": amount_text[:30]})
            continue
        if result not in (RESULT_PAID, RESULT_FAILED):
            error(row, _("the result must be PAID or FAILED, not “%(result)s”.") % {"result": result[:20]})
            continue
        if reference in first_row:
            error(row, _("reference %(ref)s is answered twice (first on line %(first)s).")
                  % {"ref": reference[:120], "first": first_row[reference]})
            continue
        first_row[reference] = row
        if reference not in lines:
            outside[reference] = row
            continue
        expected, outcome = lines[reference]
        if amount != expected:
            error(row, _("the amount %(amount)s of %(ref)s differs from the batch's %(expected)s.")
                  % {"amount": money_text(amount), "ref": reference, "expected": money_text(expected)})
            continue
        if outcome != LineOutcome.SENT and outcome != result.lower():
            error(row, _("%(ref)s was already settled as %(outcome)s.") % {"ref": reference, "outcome": outcome})
            continue
        parsed.results[reference] = (result, reason[:200])
        amounts[reference] = amount
        if result == RESULT_PAID:
            parsed.paid_count += 1
            parsed.paid_total += amount
        else:
            parsed.failed_count += 1
            parsed.failed_total += amount
    if outside:
        known = set(Payment.objects.filter(source_key__in=list(outside)).values_list("source_key", flat=True))
        for reference, row in sorted(outside.items(), key=lambda item: item[1]):
            if reference in known:
                error(row, _("reference %(ref)s is not in batch %(batch)s.") % {"ref": reference[:120],
                                                                                "batch": batch.number})
            else:
                error(row, _("reference %(ref)s is unknown.") % {"ref": reference[:120]})
    missing = [ref for ref in lines if ref not in first_row]
    if missing:
        errors.append(_("%(n)s payments of the batch have no result, e.g. %(refs)s.")
                      % {"n": len(missing), "refs": "、".join(missing[:5])})
    if trailer is None:
        errors.append(_("The trailer line (TRAILER,count,total) is missing."))
    else:
        row, fields = trailer
        total = _amount(fields[2]) if len(fields) == 3 else None
        count_text = fields[1].strip() if len(fields) == 3 else ""
        if total is None or not count_text.isdigit():
            error(row, _("the trailer must read TRAILER,count,total."))
        else:
            file_total = sum(amounts.values(), Decimal("0.00"))
            if int(count_text) != data_rows:
                error(row, _("the trailer counts %(count)s lines, the file has %(rows)s.")
                      % {"count": count_text, "rows": data_rows})
            if not errors and total != file_total:
                error(row, _("the trailer's total %(total)s differs from the sum of the lines %(sum)s.")
                      % {"total": money_text(total), "sum": money_text(file_total)})
    if errors:
        more = len(errors) - MAX_ERRORS
        shown = errors[:MAX_ERRORS] + ([_("… and %(n)s more errors.") % {"n": more}] if more > 0 else [])
        raise ResultRefused(shown)
    return parsed


@dataclass
class ApplyReport:
    batch: PayoutBatch
    paid: int = 0
    failed: int = 0
    already: bool = False


def _sms_text(payment: Payment) -> str:
    return payment.sms_text or _("%(amount)s yuan has been paid into your Jingka card. Please check it.") % {
        "amount": money_text(payment.amount)}


def _settle_paid(batch: PayoutBatch, line_ids: list[int], day: dt.date) -> int:
    """Mark these lines and their payments paid; SMS, served visit and the area's signal for each."""
    now = timezone.now()
    taken = list(BatchLine.objects.filter(pk__in=line_ids, outcome=LineOutcome.SENT).values_list("payment_id",
                                                                                                  flat=True))
    if not taken:
        return 0
    BatchLine.objects.filter(pk__in=line_ids, outcome=LineOutcome.SENT).update(
        outcome=LineOutcome.PAID, reason="", settled_at=now)
    Payment.objects.filter(pk__in=taken, status=PaymentStatus.IN_BATCH, batch=batch).update(
        status=PaymentStatus.PAID, paid_on=day, failure_reason="")
    payments = list(Payment.objects.filter(pk__in=taken).select_related("member", "member__grassroots"))
    for payment in payments:
        if payment.member.phone_encrypted:
            # One SMS per payment, however often this runs: the dedupe key is the payment's.
            queue_direct("payouts.paid", Channel.SMS, [Direct(
                key=f"member:{payment.member_id}", address=pii.decrypt_unchecked(payment.member.phone_encrypted),
                body=_sms_text(payment), unit_id=payment.member.grassroots_id)], dedupe_key=f"payout:{payment.pk}")
    for payment in payments:
        record_visit(member_id=payment.member_id, day=day, service=payment.area, kind="platform",
                     source=batch.number)
        payment_settled.send(sender=Payment, payment=payment)
    return len(payments)


def _settle_failed(batch: PayoutBatch, line_id: int, payment_id: int, reason: str) -> bool:
    now = timezone.now()
    reason = reason or _("Refused by the bank")
    if not BatchLine.objects.filter(pk=line_id, outcome=LineOutcome.SENT).update(
            outcome=LineOutcome.FAILED, reason=reason, settled_at=now):
        return False
    # Failed: out of this batch, eligible for the next one; the failed line stays as its history.
    Payment.objects.filter(pk=payment_id, status=PaymentStatus.IN_BATCH, batch=batch).update(
        status=PaymentStatus.FAILED, batch=None, failure_reason=reason, card_number="", failures=F("failures") + 1)
    payment = Payment.objects.get(pk=payment_id)
    payment_settled.send(sender=Payment, payment=payment)
    return True


def apply_result(batch: PayoutBatch, content: bytes, *, acting_user, filename: str = "", on: dt.date | None = None,
                 request=None) -> ApplyReport:
    """Apply the bank's result file to a sent batch: paid lines are paid (SMS, served visit, signal), failed
    ones carried to the next batch. The same file again changes nothing; another file is refused; a bad file is
    refused whole (ResultRefused, with its row errors)."""
    _require(acting_user, roles.MANAGE_PAYOUTS)
    batch.refresh_from_db()
    sha = hashlib.sha256(content).hexdigest()
    if batch.status == BatchStatus.OPEN:
        raise ValidationError(_("Write the payout file and send it to the bank before applying its result."))
    if batch.result_sha256 and batch.result_sha256 != sha:
        raise ValidationError(_("Another result file was already applied to batch %(batch)s.")
                              % {"batch": batch.number})
    report = ApplyReport(batch=batch)
    if batch.status == BatchStatus.SETTLED:
        report.already = True
        return report
    try:
        parsed = parse_result(batch, content)
    except ResultRefused as exc:
        with transaction.atomic():
            record(RESULT_REFUSED, actor=acting_user, request=request, obj=batch, unit=batch.org_unit,
                   detail={"batch": batch.number, "file": filename[:200], "sha256": sha,
                           "count": len(exc.messages), "reason": exc.messages[0][:200]})
        raise
    day = on or timezone.localdate()
    with transaction.atomic():
        first = PayoutBatch.objects.filter(pk=batch.pk, status=BatchStatus.SENT, result_sha256="").update(
            result_sha256=sha, result_name=filename[:200], result_paid_count=parsed.paid_count,
            result_paid_total=parsed.paid_total, result_failed_count=parsed.failed_count,
            result_failed_total=parsed.failed_total)
        record(RESULT_RECEIVED, actor=acting_user, request=request, obj=batch, unit=batch.org_unit,
               detail={"batch": batch.number, "file": filename[:200], "sha256": sha, "resumed": not first,
                       "paid": parsed.paid_count, "failed": parsed.failed_count})
    chunk = _chunk()
    done = 0
    while True:
        rows = list(BatchLine.objects.filter(batch=batch, outcome=LineOutcome.SENT).order_by("seq")
                    .values_list("pk", "payment_id", "reference")[:chunk])
        if not rows:
            break
        with transaction.atomic():
            paid_ids = [pk for pk, _p, ref in rows if parsed.results[ref][0] == RESULT_PAID]
            report.paid += _settle_paid(batch, paid_ids, day)
            for pk, payment_id, ref in rows:
                result, reason = parsed.results[ref]
                if result == RESULT_FAILED and _settle_failed(batch, pk, payment_id, reason):
                    report.failed += 1
        done += len(rows)
        _pause_hook(done)
    with transaction.atomic():
        if PayoutBatch.objects.filter(pk=batch.pk, status=BatchStatus.SENT).update(
                status=BatchStatus.SETTLED, settled_at=timezone.now()):
            record(RESULT_APPLIED, actor=acting_user, request=request, obj=batch, unit=batch.org_unit,
                   detail={"batch": batch.number, "paid": parsed.paid_count, "failed": parsed.failed_count,
                           "total": money_text(parsed.paid_total + parsed.failed_total)})
    batch.refresh_from_db()
    return report


# --- reconciliation --------------------------------------------------------------------------------------------


@dataclass
class ReconRow:
    label: str
    count: int | None
    total: Decimal | None
    ok: bool | None  # None: not yet known (file not written, result not applied)


def reconcile(batch: PayoutBatch) -> list[ReconRow]:
    """Lines = batch total = payout file total = bank result (paid + failed) = lines settled."""
    n, total = count_and_total(batch.lines.all())
    settled_n, settled_total = count_and_total(batch.lines.exclude(outcome=LineOutcome.SENT))

    def same(count, amount) -> bool | None:
        if count is None or amount is None:
            return None
        return count == n and amount == total

    rows = [ReconRow(_("Lines of the batch"), n, total, True),
            ReconRow(_("Batch total when built"), batch.line_count, batch.total,
                     same(batch.line_count, batch.total) if batch.built_at else None),
            ReconRow(_("Payout file trailer"), batch.file_count, batch.file_total,
                     same(batch.file_count, batch.file_total))]
    if batch.result_sha256:
        paid_n, failed_n = batch.result_paid_count or 0, batch.result_failed_count or 0
        paid_t = batch.result_paid_total or Decimal("0.00")
        failed_t = batch.result_failed_total or Decimal("0.00")
        rows += [ReconRow(_("Bank result: paid"), paid_n, paid_t, None),
                 ReconRow(_("Bank result: failed"), failed_n, failed_t, None),
                 ReconRow(_("Bank result: paid + failed"), paid_n + failed_n, paid_t + failed_t,
                          same(paid_n + failed_n, paid_t + failed_t))]
    else:
        rows.append(ReconRow(_("Bank result: paid + failed"), None, None, None))
    rows.append(ReconRow(_("Lines settled"), settled_n, settled_total,
                         same(settled_n, settled_total) if batch.status == BatchStatus.SETTLED else None))
    return rows


def is_balanced(rows: list[ReconRow]) -> bool:
    """No row disagrees (rows not yet known do not count)."""
    return all(r.ok is not False for r in rows)
