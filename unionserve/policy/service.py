"""Reading policy values: the version in force on a day, and the seed defaults as version 1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import PolicyVersion, Status
from .registry import Parameter, parameter, parameters

SEED_REASON = "seed default"


@dataclass(frozen=True)
class PolicyValue:
    """A value and the version it came from: what a decision that used it records."""

    key: str
    value: int | Decimal
    version: int
    version_id: int
    effective_from: dt.date
    source: str

    def as_record(self) -> dict:
        """What a decision stores (JSON-safe): enough to find the version and to read it by hand."""
        return {"key": self.key, "version": self.version, "version_id": self.version_id, "value": str(self.value),
                "effective_from": self.effective_from.isoformat(), "source": self.source}


def _seed(param: Parameter) -> PolicyVersion:
    try:
        with transaction.atomic():
            return PolicyVersion.objects.create(
                key=param.key, version=1, value=param.default, effective_from=param.default_from,
                source=param.source, reason=SEED_REASON, status=Status.APPROVED, proposed_at=timezone.now(),
                decided_at=timezone.now())
    except IntegrityError:  # another process seeded it first
        return PolicyVersion.objects.get(key=param.key, version=1)


def ensure_defaults(keys: list[str] | None = None) -> int:
    """Create version 1 (the seed default, approved) of every registered parameter that has no version yet."""
    wanted = [p for p in parameters() if keys is None or p.key in keys]
    present = set(PolicyVersion.objects.filter(key__in=[p.key for p in wanted]).values_list("key", flat=True))
    created = 0
    for param in wanted:
        if param.key not in present:
            _seed(param)
            created += 1
    return created


def _in_force(key: str, day: dt.date) -> PolicyVersion | None:
    approved = PolicyVersion.objects.filter(key=key, status=Status.APPROVED)
    row = approved.filter(effective_from__lte=day).order_by("-effective_from", "-version").first()
    if row is None:
        # Before the first effective date the seed's number is what applied (the seeds predate the platform).
        row = approved.order_by("effective_from", "version").first()
    return row


#: Values already read inside a `memoized()` block, by (key, day).
_memo: ContextVar[dict[tuple[str, dt.date], PolicyValue] | None] = ContextVar("policy_memo", default=None)


@contextmanager
def memoized() -> Iterator[None]:
    """Read each (key, day) once inside the block: a list that applies the same rules to hundreds of rows (the
    city's stations, their workers' training) would otherwise ask the database for the same value each time.
    Only for a read that ends with the block: a change approved meanwhile is seen by the next request."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def value(key: str, on: dt.date | dt.datetime | None = None) -> PolicyValue:
    """The value of `key` in force on `on` (default today, Beijing time), with its version.

    Never returns nothing: a registered key without rows gets its seed default as version 1 first.
    """
    if on is None:
        day = timezone.localdate()
    elif isinstance(on, dt.datetime):
        day = timezone.localdate(on) if timezone.is_aware(on) else on.date()
    else:
        day = on
    memo = _memo.get()
    if memo is not None:
        found = memo.get((key, day))
        if found is None:
            found = memo[(key, day)] = _value_on(key, day)
        return found
    return _value_on(key, day)


def _value_on(key: str, day: dt.date) -> PolicyValue:
    param = parameter(key)
    row = _in_force(key, day)
    if row is None:
        _seed(param)
        row = _in_force(key, day)
    if row is None:  # a day before the seed default took effect: nothing was in force then
        raise LookupError(f"policy {key!r} has no version in force on {day}")
    return PolicyValue(key, param.convert(row.value), row.version, row.pk, row.effective_from, row.source)


def values(keys: list[str], on: dt.date | None = None) -> dict[str, PolicyValue]:
    """Several values in force on one day."""
    return {key: value(key, on) for key in keys}
