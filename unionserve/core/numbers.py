"""Percentages: one rounding rule for every rate and share the project shows.

A rate is a Decimal in percent with **one decimal, rounded half up** (四舍五入, the rule of published statistics
and of the 12351 and legal statistics pages). Every page, chart, Excel export and threshold test uses
:func:`percent`, so the same counts give the same figure everywhere.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

#: The one rounding rule: a tenth of a percent, half up.
PLACES = Decimal("0.1")
ROUNDING = ROUND_HALF_UP


def percent(numerator: int, denominator: int) -> Decimal | None:
    """``numerator / denominator`` in percent, one decimal, half up; None without a denominator.

    >>> percent(2, 3), percent(1, 8), percent(0, 0)
    (Decimal('66.7'), Decimal('12.5'), None)
    """
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(PLACES, rounding=ROUNDING)


def below(numerator: int, denominator: int, minimum: Decimal) -> bool:
    """Whether the rate, as :func:`percent` shows it, is below ``minimum`` percent; no denominator: never below.

    The published figure is what is judged, so a rate never shows as meeting a minimum while flagged below it
    (97.96% shows as 98.0% and meets a 98% minimum).
    """
    shown = percent(numerator, denominator)
    return shown is not None and shown < minimum
