"""The rules of mediation as small pure functions: reading parties and claims, mediators' load and the
suggestion of the least-loaded suitable mediator."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from .models import Mediator

#: The most workers one application may name (a collective dispute, 集体争议, has 3 or more).
MAX_PARTIES = 200
MAX_CLAIMS = 50
MAX_AMOUNT = Decimal("999999999999.99")

# "claim, amount": anything number-like after the last text is read as the amount (and checked).
_CLAIM = re.compile(r"^(?P<item>.+?)\s*[,，\t]\s*(?P<amount>[\d.,]*\d[\d.,]*)\s*元?\s*$")
_WORKER = re.compile(r"^(?P<name>[^,，\t]+?)\s*(?:[,，\t]\s*(?P<id>[0-9]{17}[0-9Xx]))?\s*$")


class InputError(ValueError):
    """Input that cannot be read; the message says which line and what to fix."""


@dataclass(frozen=True)
class WorkerLine:
    name: str
    id_number: str = ""
    member_id: int | None = None


@dataclass(frozen=True)
class ClaimLine:
    item: str
    amount: Decimal | None


def parse_amount(text: str | None, *, label: str) -> Decimal | None:
    """A yuan amount with at most two decimals (thousands separators allowed); empty → None."""
    text = (str(text) if text is not None else "").strip().replace(",", "").replace("，", "").removesuffix("元")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InputError(_("%(field)s: %(value)s is not an amount in yuan (e.g. 18000.50).")
                         % {"field": label, "value": text}) from None
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT or value != value.quantize(Decimal("0.01")):
        raise InputError(_("%(field)s: give an amount from 0 to %(max)s with at most two decimals.")
                         % {"field": label, "max": MAX_AMOUNT})
    return value.quantize(Decimal("0.01"))


def parse_workers(value) -> list[WorkerLine]:
    """Workers from text (one per line: name, optionally a comma and the ID number of a member) or a list of
    {"name", "id_number"?, "member_id"?}. At least one, at most MAX_PARTIES."""
    workers: list[WorkerLine] = []
    if isinstance(value, tuple) and all(isinstance(w, WorkerLine) for w in value):
        workers = list(value)
    elif isinstance(value, str):
        for number, line in enumerate(value.splitlines(), 1):
            if not line.strip():
                continue
            match = _WORKER.match(line.strip())
            if not match:
                raise InputError(_("Workers, line %(n)s: write a name, optionally followed by a comma and an "
                                   "18-character ID number.") % {"n": number})
            workers.append(WorkerLine(match["name"].strip()[:60], (match["id"] or "").upper()))
    else:
        for number, item in enumerate(value or [], 1):
            name = str((item or {}).get("name", "")).strip()
            if not name:
                raise InputError(_("Workers, item %(n)s: the name is missing.") % {"n": number})
            member_id = item.get("member_id")
            workers.append(WorkerLine(name[:60], str(item.get("id_number") or "").strip().upper(),
                                      int(member_id) if member_id not in (None, "") else None))
    if not workers:
        raise InputError(_("Name at least one worker."))
    if len(workers) > MAX_PARTIES:
        raise InputError(_("At most %(n)s workers in one application.") % {"n": MAX_PARTIES})
    return workers


def parse_claims(value) -> list[ClaimLine]:
    """Claims from text (one per line: the claim, optionally a comma and the amount in yuan) or a list of
    {"item", "amount"?}."""
    claims: list[ClaimLine] = []
    if isinstance(value, str):
        for number, line in enumerate(value.splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            match = _CLAIM.match(line)
            if match:
                claims.append(ClaimLine(match["item"][:200], parse_amount(
                    match["amount"], label=_("Claims, line %(n)s") % {"n": number})))
            else:
                claims.append(ClaimLine(line[:200], None))
    else:
        for number, item in enumerate(value or [], 1):
            text = str((item or {}).get("item", "")).strip()
            if not text:
                raise InputError(_("Claims, item %(n)s: say what is claimed.") % {"n": number})
            claims.append(ClaimLine(text[:200], parse_amount(item.get("amount"),
                                                             label=_("Claims, item %(n)s") % {"n": number})))
    if len(claims) > MAX_CLAIMS:
        raise InputError(_("At most %(n)s claims in one application.") % {"n": MAX_CLAIMS})
    return claims


def open_load_q() -> Q:
    """Cases that count in a mediator's load: appointed, not concluded, case not closed."""
    return Q(cases__concluded_at__isnull=True, cases__case__closed_at__isnull=True)


def with_load(qs):
    """Mediators annotated with `load`: their open cases."""
    return qs.annotate(load=Count("cases", filter=open_load_q(), distinct=True))


def load_of(mediator: Mediator) -> int:
    return mediator.cases.filter(concluded_at__isnull=True, case__closed_at__isnull=True).count()


def rank_mediators(unit, dispute_type: str) -> list[Mediator]:
    """Active mediators of `unit` with room for one more case: specialists in the dispute first, then the
    least loaded, then by name. Each carries `load` and `specialist`."""
    candidates = with_load(Mediator.objects.filter(unit=unit, active=True))
    ranked = []
    for m in candidates:
        if m.load >= m.max_load:
            continue
        m.specialist = dispute_type in (m.specialties or [])
        ranked.append(m)
    ranked.sort(key=lambda m: (not m.specialist, m.load, m.name, m.pk))
    return ranked


def suggest_mediator(unit, dispute_type: str) -> Mediator | None:
    """The least-loaded suitable mediator: a specialist of the same unit if one has room, else anyone there."""
    ranked = rank_mediators(unit, dispute_type)
    return ranked[0] if ranked else None
