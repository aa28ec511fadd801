"""Every change of a Jingka card, one function each (the page and the API call the same one): collect an
application, send a batch to the bank, apply the bank's result, deliver, report lost, replace, cancel, and the
card problems 12351 reports. Each writes the card's history (CardEvent) and the audit log in one transaction.

Objects are passed in already read through the caller's scope (pages and the API answer 404 outside it); the
permission is checked here, so no caller can forget it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve import pii
from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core import roles
from unionserve.core.text import strip_text
from unionserve.members.public import Member, MemberStatus

from . import bankfiles
from .models import (
    LIVE_STATUSES,
    BankBatch,
    BatchResult,
    BatchStatus,
    Card,
    CardEvent,
    CardProblem,
    CardStatus,
    Document,
    ProblemKind,
    ProblemStatus,
)

#: A batch holds at most this many applications (one file the bank's branch takes in one go).
MAX_BATCH = 5000
_REFERENCE = re.compile(r"^JK(\d{1,12})$")


def _require(user, perm: str) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied(_("Your roles do not include this work."))


def _event(card: Card, user, note: str = "") -> CardEvent:
    return CardEvent.objects.create(card=card, status=card.status, by=user, note=note[:200])


def _audit(card: Card, user, event: str, request=None, **detail) -> None:
    record(AuditAction.CARD_CHANGED, actor=user, request=request, obj=card, unit=card.member.grassroots,
           detail={"card": card.number or card.reference, "member": card.member_id, "event": event,
                   "status": card.status, **detail})


def _set_register_copy(card: Card) -> None:
    """The register keeps the number of the member's current card (members.Member.card_number): set on issue,
    cleared when that card is cancelled. Left as is if another member's row already carries the number (a
    register error the data-quality checks show), so the register's own uniqueness is never broken."""
    if card.number and not Member.objects.filter(card_number=card.number).exclude(pk=card.member_id).exists():
        Member.objects.filter(pk=card.member_id).update(card_number=card.number)


def _clear_register_copy(card: Card) -> None:
    if card.number:
        Member.objects.filter(pk=card.member_id, card_number=card.number).update(card_number="")


def _documents(documents: Iterable[str]) -> list[str]:
    chosen = {strip_text(d) for d in documents}
    unknown = chosen - set(Document.values)
    if unknown:
        raise ValidationError(_("Unknown document: %(codes)s.") % {"codes": ", ".join(sorted(unknown))})
    missing = [label for value, label in Document.choices if value not in chosen]
    if missing:
        raise ValidationError(_("Check every document before the application goes to the bank. Missing: "
                                "%(missing)s.") % {"missing": "；".join(str(m) for m in missing)})
    return [v for v in Document.values if v in chosen]


def _collecting_unit(user):
    unit = user.org_unit
    if unit is None:
        raise ValidationError(_("Only a user of a station or a center collects card applications."))
    return unit


def apply_for_card(member: Member, *, documents: Iterable[str], acting_user, request=None) -> Card:
    """Collect a member's application at the user's unit (seed 000 §四.3(1)): the member is active in the
    register, has no live card, and every document was checked."""
    _require(acting_user, roles.MANAGE_CARDS)
    checked = _documents(documents)
    unit = _collecting_unit(acting_user)
    with transaction.atomic():
        member = Member.objects.select_for_update().select_related("grassroots").get(pk=member.pk)
        if member.status != MemberStatus.ACTIVE:
            raise ValidationError(_("%(name)s is no longer an active member; no card is made.") % {"name": member.name})
        live = Card.objects.filter(member=member, status__in=LIVE_STATUSES).first()
        if live is not None:
            raise ValidationError(_("%(name)s already has a card (%(card)s, %(status)s); report it lost or replace "
                                    "it instead.") % {"name": member.name, "card": live, "status":
                                                      live.get_status_display()})
        card = Card.objects.create(member=member, applied_at_unit=unit, documents=checked, created_by=acting_user)
        _event(card, acting_user, _("Application collected"))
        _audit(card, acting_user, "applied", request)
    return card


def _next_batch_number(today: dt.date) -> str:
    prefix = f"PC{today:%Y%m%d}"
    taken = BankBatch.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


def send_batch(cards: QuerySet[Card], *, acting_user, request=None) -> BankBatch:
    """Put the applications collected at the user's unit (of `cards`, read through the scope) into one batch
    for the bank; they go into production. Only applications not yet sent are taken."""
    _require(acting_user, roles.MANAGE_CARDS)
    unit = _collecting_unit(acting_user)
    with transaction.atomic():
        ids = list(cards.filter(status=CardStatus.APPLIED, applied_at_unit=unit, batch__isnull=True)
                   .select_for_update().order_by("pk").values_list("pk", flat=True)[:MAX_BATCH + 1])
        if not ids:
            raise ValidationError(_("There is no application collected at your unit waiting for the bank."))
        if len(ids) > MAX_BATCH:
            raise ValidationError(_("A batch holds at most %(n)s applications; choose fewer.") % {"n": MAX_BATCH})
        now = timezone.now()
        for attempt in range(5):
            try:
                with transaction.atomic():
                    batch = BankBatch.objects.create(number=_next_batch_number(timezone.localdate()), unit=unit,
                                                     count=len(ids), created_by=acting_user, created_at=now)
                break
            except IntegrityError:  # two batches sent in the same second: take the next number
                if attempt == 4:
                    raise
        Card.objects.filter(pk__in=ids).update(status=CardStatus.IN_PRODUCTION, batch=batch, updated_at=now)
        note = _("Sent to the bank in batch %(batch)s") % {"batch": batch.number}
        CardEvent.objects.bulk_create(CardEvent(card_id=pk, status=CardStatus.IN_PRODUCTION, at=now, by=acting_user,
                                                note=note) for pk in ids)
        record(AuditAction.CARD_BATCH, actor=acting_user, request=request, obj=batch, unit=unit,
               detail={"batch": batch.number, "event": "sent", "count": len(ids)})
    return batch


def batch_file_for(batch: BankBatch, *, acting_user, request=None) -> bytes:
    """The batch file for the bank (docs/cards.md): the members' ID numbers and phones in clear, so it needs the
    register's VIEW_PII too and is recorded as an export of personal data."""
    _require(acting_user, roles.MANAGE_CARDS)
    _require(acting_user, roles.VIEW_PII)
    cards = batch.cards.select_related("member", "member__grassroots", "replaces").order_by("pk")
    rows = [(c.reference, c.member.name, pii.decrypt_unchecked(c.member.id_encrypted),
             pii.decrypt_unchecked(c.member.phone_encrypted), c.member.grassroots.code, c.member.grassroots.name,
             "reissue" if c.replaces_id else "new", (c.replaces.number or "") if c.replaces is not None else "")
            for c in cards]
    data = bankfiles.batch_file(rows)
    with transaction.atomic():
        record(AuditAction.PERSONAL_DATA_EXPORTED, actor=acting_user, request=request, obj=batch, unit=batch.unit,
               detail={"batch": batch.number, "rows": len(rows), "fields": ["id_number", "phone"],
                       "sha256": hashlib.sha256(data).hexdigest()})
    return data


class ResultRejected(ValidationError):
    """The result file was not applied; `errors` are its problems, ``(line, message)``, line 0 for the file."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        super().__init__([self.describe(line, msg) for line, msg in errors[:50]])

    @staticmethod
    def describe(line: int, message: str) -> str:
        return _("Line %(line)s: %(message)s") % {"line": line, "message": message} if line else message


@dataclass
class ResultOutcome:
    result: BatchResult
    #: True when this very file had already been applied to the batch: nothing was changed.
    already_applied: bool = False
    skipped: list[str] = field(default_factory=list)


def _check_row(row: bankfiles.ResultRow, card: Card | None, today: dt.date) -> str | None:
    """The error of one row, or None; "same" rows (already in this state) are not errors."""
    if card is None:
        return _("Application %(ref)s is not in this batch.") % {"ref": row.application or "—"}
    if row.outcome not in bankfiles.OUTCOMES:
        return _("The outcome must be issued or refused, not %(value)s.") % {"value": row.outcome or "—"}
    if row.outcome == "issued":
        if not bankfiles.card_number_ok(row.card_number):
            return _("Card number %(number)s is not a card number (19 digits with a valid check digit).") % {
                "number": row.card_number or "—"}
        if row.issued_on and row.issued_on > today:
            return _("The issue date %(day)s is in the future.") % {"day": row.issued_on.isoformat()}
        if row.reason:
            return _("An issued card has no reason for refusal.")
    elif not row.reason:
        return _("A refusal needs the bank's reason.")
    elif row.card_number:
        return _("A refused application has no card number.")
    return None


def _same(row: bankfiles.ResultRow, card: Card) -> bool:
    """Whether the card already shows this row's outcome (a result applied before)."""
    if row.outcome == "issued":
        return card.number == row.card_number
    return card.status == CardStatus.REFUSED


def apply_result(batch: BankBatch, data: bytes, *, filename: str = "", acting_user, request=None) -> ResultOutcome:
    """Apply the bank's result file to a batch, all or nothing (seed 000 §四.3(1)).

    Every row names an application of the batch and gives a card number (issued) or a reason (refused). Any
    bad row refuses the whole file with every row's error. A row the batch already shows (a file applied twice,
    or a second partial file that repeats rows) changes nothing; the very same file twice writes nothing at all.
    """
    _require(acting_user, roles.MANAGE_CARDS)
    digest = hashlib.sha256(data).hexdigest()
    previous = batch.results.filter(sha256=digest).first()
    if previous is not None:
        return ResultOutcome(previous, already_applied=True)
    try:
        parsed = bankfiles.read_result(data)
    except bankfiles.FileRefused as exc:
        raise ResultRejected([(0, str(exc))]) from exc
    today = timezone.localdate()
    with transaction.atomic():
        batch = BankBatch.objects.select_for_update().get(pk=batch.pk)
        cards = {c.reference: c for c in batch.cards.select_related("member", "member__grassroots")}
        errors: list[tuple[int, str]] = []
        seen_refs: dict[str, int] = {}
        seen_numbers: dict[str, int] = {}
        todo: list[tuple[bankfiles.ResultRow, Card]] = []
        unchanged = 0
        skipped: list[str] = []
        for row in parsed:
            if isinstance(row, tuple):
                errors.append(row)
                continue
            if row.application in seen_refs:
                errors.append((row.line, _("Application %(ref)s is also on line %(other)s.")
                               % {"ref": row.application, "other": seen_refs[row.application]}))
                continue
            seen_refs[row.application] = row.line
            card = cards.get(row.application) if _REFERENCE.match(row.application) else None
            problem = _check_row(row, card, today)
            if problem is None and row.outcome == "issued":
                if row.card_number in seen_numbers:
                    problem = _("Card number %(number)s is also on line %(other)s.") % {
                        "number": row.card_number, "other": seen_numbers[row.card_number]}
                seen_numbers[row.card_number] = row.line
            if problem:
                errors.append((row.line, problem))
                continue
            assert card is not None
            if _same(row, card):
                unchanged += 1
            elif card.status == CardStatus.CANCELLED:
                # Membership ended while the bank made the card: the card stays cancelled (docs/cards.md).
                unchanged += 1
                skipped.append(card.reference)
            elif card.status != CardStatus.IN_PRODUCTION:
                errors.append((row.line, _("Application %(ref)s already has the bank's result (%(status)s).")
                               % {"ref": card.reference, "status": card.get_status_display()}))
            else:
                todo.append((row, card))
        numbers = [row.card_number for row, _card in todo if row.outcome == "issued"]
        taken = dict(Card.objects.filter(number__in=numbers).values_list("number", "pk"))
        for row, card in todo:
            if row.outcome == "issued" and taken.get(row.card_number, card.pk) != card.pk:
                errors.append((row.line, _("Card number %(number)s belongs to another card already.")
                               % {"number": row.card_number}))
        if errors:
            raise ResultRejected(sorted(errors))
        issued = refused = 0
        for row, card in todo:
            if row.outcome == "issued":
                card.number, card.status = row.card_number, CardStatus.ISSUED
                card.valid_from = row.issued_on or today
                card.save(update_fields=["number", "status", "valid_from", "updated_at"])
                _event(card, acting_user, _("Issued by the bank, batch %(batch)s") % {"batch": batch.number})
                _set_register_copy(card)
                issued += 1
            else:
                card.status, card.refusal_reason = CardStatus.REFUSED, row.reason[:200]
                card.save(update_fields=["status", "refusal_reason", "updated_at"])
                _event(card, acting_user, row.reason)
                refused += 1
        result = BatchResult.objects.create(batch=batch, sha256=digest, filename=filename[:200],
                                            rows=len(parsed), issued=issued, refused=refused, unchanged=unchanged,
                                            by=acting_user)
        if not batch.cards.filter(status=CardStatus.IN_PRODUCTION).exists():
            batch.status, batch.done_at = BatchStatus.DONE, timezone.now()
            batch.save(update_fields=["status", "done_at"])
        record(AuditAction.CARD_BATCH, actor=acting_user, request=request, obj=batch, unit=batch.unit,
               detail={"batch": batch.number, "event": "result", "sha256": digest, "rows": len(parsed),
                       "issued": issued, "refused": refused, "unchanged": unchanged, "file": filename[:200]})
    return ResultOutcome(result, skipped=skipped)


def _lock(card: Card) -> Card:
    return Card.objects.select_for_update().select_related("member", "member__grassroots").get(pk=card.pk)


def _refuse_state(card: Card, allowed: Iterable[str]) -> None:
    if card.status not in allowed:
        raise ValidationError(_("This cannot be done to a card that is %(status)s.")
                              % {"status": card.get_status_display()})


def deliver(card: Card, *, acting_user, request=None) -> Card:
    """The station or center hands the issued card to the member."""
    _require(acting_user, roles.MANAGE_CARDS)
    with transaction.atomic():
        card = _lock(card)
        _refuse_state(card, (CardStatus.ISSUED,))
        card.status = CardStatus.DELIVERED
        card.save(update_fields=["status", "updated_at"])
        _event(card, acting_user, _("Handed to the member"))
        _audit(card, acting_user, "delivered", request)
    return card


def report_lost(card: Card, *, acting_user, note: str = "", request=None) -> Card:
    """The member reports the card lost: it is no longer usable from today (valid until today)."""
    _require(acting_user, roles.MANAGE_CARDS)
    with transaction.atomic():
        card = _lock(card)
        _refuse_state(card, (CardStatus.ISSUED, CardStatus.DELIVERED))
        card.status, card.valid_until = CardStatus.LOST, timezone.localdate()
        card.save(update_fields=["status", "valid_until", "updated_at"])
        _event(card, acting_user, strip_text(note) or _("Reported lost"))
        _audit(card, acting_user, "lost", request, note=strip_text(note)[:200])
    return card


def replace(card: Card, *, documents: Iterable[str], acting_user, note: str = "", request=None) -> Card:
    """A new card for a lost, broken or wrong one: the old is replaced, the new row goes through the bank."""
    _require(acting_user, roles.MANAGE_CARDS)
    checked = _documents(documents)
    unit = _collecting_unit(acting_user)
    with transaction.atomic():
        card = _lock(card)
        _refuse_state(card, (CardStatus.ISSUED, CardStatus.DELIVERED, CardStatus.LOST))
        if card.member.status != MemberStatus.ACTIVE:
            raise ValidationError(_("%(name)s is no longer an active member; no card is made.")
                                  % {"name": card.member.name})
        today = timezone.localdate()
        card.status = CardStatus.REPLACED
        if card.valid_until is None or card.valid_until > today:
            card.valid_until = today
        card.save(update_fields=["status", "valid_until", "updated_at"])
        new = Card.objects.create(member=card.member, applied_at_unit=unit, documents=checked, replaces=card,
                                  created_by=acting_user)
        _event(card, acting_user, strip_text(note) or _("Replaced by a new card"))
        _event(new, acting_user, _("Application for a new card replacing %(card)s") % {"card": card})
        _audit(card, acting_user, "replaced", request, new_card=new.reference, note=strip_text(note)[:200])
    return new


def cancel(card: Card, *, acting_user, reason: str, request=None) -> Card:
    """Cancel a live card (membership ended, or the application withdrawn)."""
    _require(acting_user, roles.MANAGE_CARDS)
    reason = strip_text(reason)
    if not reason:
        raise ValidationError(_("Say why the card is cancelled."))
    with transaction.atomic():
        return _cancel(card, acting_user, reason[:200], request)


def _cancel(card: Card, user, reason: str, request=None) -> Card:
    card = _lock(card)
    _refuse_state(card, LIVE_STATUSES)
    today = timezone.localdate()
    card.status = CardStatus.CANCELLED
    if card.valid_until is None or card.valid_until > today:
        card.valid_until = today
    card.save(update_fields=["status", "valid_until", "updated_at"])
    _event(card, user, reason)
    _clear_register_copy(card)
    _audit(card, user, "cancelled", request, reason=reason)
    return card


def leavers_cards(cards: QuerySet[Card]) -> QuerySet[Card]:
    """Live cards (of `cards`) whose member is no longer active in the register."""
    return cards.filter(status__in=LIVE_STATUSES).exclude(member__status=MemberStatus.ACTIVE)


def cancel_leavers(cards: QuerySet[Card], *, acting_user=None, request=None, limit: int | None = None) -> int:
    """Cancel the live cards of members who left, moved out or died (of `cards`, read through the scope, or every
    card for the nightly sweep `cancel_leavers_cards`, run with no user). Returns how many were cancelled."""
    if acting_user is not None:
        _require(acting_user, roles.MANAGE_CARDS)
    ids = list(leavers_cards(cards).order_by("pk").values_list("pk", flat=True)[:limit])
    reason = _("Membership ended (the register no longer lists the member as active)")
    done = 0
    for pk in ids:
        with transaction.atomic():
            card = Card.objects.get(pk=pk)
            if card.status in LIVE_STATUSES:
                _cancel(card, acting_user, reason, request)
                done += 1
    return done


# --- card problems from 12351 (seed 000 §四.3(2)-(3)) ---------------------------------------------------------

def report_problem(card: Card, *, case_number: str, kind: str, description: str = "", acting_user,
                   request=None) -> CardProblem:
    """Link a 12351 request (its case number) to the member's card as a card problem."""
    _require(acting_user, roles.REPORT_CARD_PROBLEMS)
    case_number = strip_text(case_number)
    if not case_number or len(case_number) > 32:
        raise ValidationError(_("Give the 12351 request's case number."))
    if kind not in ProblemKind.values:
        raise ValidationError(_("Choose what the problem is."))
    with transaction.atomic():
        card = _lock(card)
        if CardProblem.objects.filter(card=card, case_number=case_number).exists():
            raise ValidationError(_("This request is already linked to this card."))
        problem = CardProblem.objects.create(card=card, case_number=case_number, kind=kind,
                                             description=strip_text(description)[:500], reported_by=acting_user)
        _audit(card, acting_user, "problem_reported", request, case=case_number, kind=kind, problem=problem.pk)
    return problem


def resolve_problem(problem: CardProblem, *, resolution: str, acting_user, request=None) -> CardProblem:
    """The unit handling the request records what was done; 12351 then calls the member back."""
    _require(acting_user, roles.MANAGE_CARDS)
    resolution = strip_text(resolution)
    if not resolution:
        raise ValidationError(_("Say what was done about the problem."))
    with transaction.atomic():
        problem = CardProblem.objects.select_for_update().select_related("card", "card__member",
                                                                         "card__member__grassroots").get(pk=problem.pk)
        if problem.status == ProblemStatus.RESOLVED:
            raise ValidationError(_("This problem is already resolved."))
        problem.status, problem.resolution = ProblemStatus.RESOLVED, resolution[:500]
        problem.resolved_by, problem.resolved_at = acting_user, timezone.now()
        problem.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
        _audit(problem.card, acting_user, "problem_resolved", request, case=problem.case_number,
               problem=problem.pk, note=resolution[:200])
    return problem
