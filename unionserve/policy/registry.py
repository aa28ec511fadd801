"""The code registry of policy parameters: what each number is, where the seeds set it, its seed default.

An area declares its parameters in its own ``policies.py`` with :func:`register`, imported by its
``process.py`` or its AppConfig, so the registry is complete once the apps are loaded. The values in force
live in the database (``models.PolicyVersion``); the registry gives their meaning, unit, bounds and the
default that becomes version 1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionserve.core.text import StrOrPromise


class Kind:
    """How a parameter's value is read and bounded."""

    DAYS = "days"  # N日: calendar days
    WORKING_DAYS = "working_days"  # N个工作日
    MONEY = "money"  # yuan, with fen
    PERCENT = "percent"  # 0–100, two decimals
    COUNT = "count"  # a whole number of people, members, hours …


KIND_LABELS = {
    Kind.DAYS: pgettext_lazy("policy unit", "days"),
    Kind.WORKING_DAYS: pgettext_lazy("policy unit", "working days"),
    Kind.MONEY: pgettext_lazy("policy unit", "yuan"),
    Kind.PERCENT: pgettext_lazy("policy unit", "%"),
    Kind.COUNT: pgettext_lazy("policy unit", "count"),
}

#: Default bounds per kind (a parameter may narrow or widen them): a deadline of 0 or of several years is a
#: typing mistake, not a policy.
BOUNDS: dict[str, tuple[Decimal, Decimal]] = {
    Kind.DAYS: (Decimal(1), Decimal(365)),
    Kind.WORKING_DAYS: (Decimal(1), Decimal(365)),
    Kind.MONEY: (Decimal(0), Decimal("999999999.99")),
    Kind.PERCENT: (Decimal(0), Decimal(100)),
    Kind.COUNT: (Decimal(0), Decimal(10_000_000)),
}
WHOLE_KINDS = {Kind.DAYS, Kind.WORKING_DAYS, Kind.COUNT}

#: When the seeds' numbers took effect: the platform's rules (京工发〔2013〕5号, 6号) date from early 2013; a
#: parameter whose seed is later (e.g. the 2015 plan) gives its own date.
SEED_EFFECTIVE_FROM = dt.date(2013, 1, 1)


class PolicyValueError(ValueError):
    """A value a parameter cannot take; the message is in the user's language."""


@dataclass(frozen=True)
class Parameter:
    """One policy number: its key (``<area>.<name>``), kind, meaning and seed default."""

    key: str
    kind: str
    label: StrOrPromise
    #: The seed paragraph the number comes from, e.g. "000 §四.1(2)", or why the platform sets it.
    source: str
    default: Decimal
    default_from: dt.date = SEED_EFFECTIVE_FROM
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    help: StrOrPromise = ""

    @property
    def area(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def unit(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def is_days(self) -> bool:
        return self.kind in (Kind.DAYS, Kind.WORKING_DAYS)

    def bounds(self) -> tuple[Decimal, Decimal]:
        low, high = BOUNDS[self.kind]
        return (low if self.min_value is None else self.min_value, high if self.max_value is None else self.max_value)

    def convert(self, stored: Decimal) -> int | Decimal:
        """The stored decimal as the parameter's Python type (int for days and counts)."""
        return int(stored) if self.kind in WHOLE_KINDS else Decimal(stored)

    def parse(self, raw) -> Decimal:
        """A typed-in value, checked against the kind and bounds; raises PolicyValueError."""
        try:
            value = Decimal(str(raw).strip().replace(",", "").replace("，", ""))
        except (InvalidOperation, ValueError):
            raise PolicyValueError(_("Enter a number.")) from None
        if not value.is_finite():
            raise PolicyValueError(_("Enter a number."))
        if self.kind in WHOLE_KINDS and value != value.to_integral_value():
            raise PolicyValueError(_("Enter a whole number."))
        low, high = self.bounds()
        if not low <= value <= high:
            raise PolicyValueError(_("Enter a value from %(low)s to %(high)s %(unit)s.")
                                   % {"low": format_number(low), "high": format_number(high), "unit": self.unit})
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def display(self, stored: Decimal) -> str:
        return f"{format_number(stored)} {self.unit}"


def format_number(value: Decimal | int) -> str:
    """1,000.50 / 7 / 12.5: no trailing zeros, thousands separated."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


_REGISTRY: dict[str, Parameter] = {}


def register(key: str, kind: str, label: StrOrPromise, source: str, default: int | str | Decimal, *,
             default_from: dt.date = SEED_EFFECTIVE_FROM, min_value: int | str | None = None,
             max_value: int | str | None = None, help: StrOrPromise = "") -> str:
    """Declare a parameter (idempotent for the same declaration) and return its key.

    Returning the key lets a process definition write ``Deadline.days(policies.PLAN_DAYS)``.
    """
    if kind not in KIND_LABELS:
        raise ValueError(f"policy {key!r}: unknown kind {kind!r}")
    if "." not in key:
        raise ValueError(f"policy key {key!r} must be '<area>.<name>'")
    param = Parameter(key, kind, label, source, Decimal(str(default)), default_from,
                      None if min_value is None else Decimal(str(min_value)),
                      None if max_value is None else Decimal(str(max_value)), help)
    existing = _REGISTRY.get(key)
    if existing is not None and (existing.kind, existing.default) != (param.kind, param.default):
        raise ValueError(f"policy {key!r} is registered twice with different kinds or defaults")
    low, high = param.bounds()
    if not low <= param.default <= high:
        raise ValueError(f"policy {key!r}: default {default} is outside its bounds {low}–{high}")
    _REGISTRY[key] = param
    return key


def parameter(key: str) -> Parameter:
    """The registered parameter; KeyError names the key when an area forgot to register it."""
    try:
        return _REGISTRY[key]
    except KeyError:
        raise KeyError(f"policy parameter {key!r} is not registered (declare it in the area's policies.py)") from None


def parameters() -> list[Parameter]:
    """Every registered parameter, by key."""
    return sorted(_REGISTRY.values(), key=lambda p: p.key)
