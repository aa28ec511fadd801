"""A station's money (001 §四(二)): funds by source, spending by category, the share spent directly on serving
workers, and the two subsidies a station may be eligible for.

Direct share = spending in the categories that serve workers directly (activities, help and assistance, legal
and mediation services, training of workers) ÷ all funds received in the year (总经费), in percent (one decimal,
half up). The seed asks for at least 70% (policy ``stations.money.direct_share``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from unionserve import policy
from unionserve.core.numbers import percent

from . import policies
from .models import DIRECT_CATEGORIES, FundSource, MoneyEntry, SpendCategory

ZERO = Decimal("0.00")


@dataclass
class Year:
    year: int
    by_source: list[tuple[object, Decimal]]
    by_category: list[tuple[object, Decimal, bool]]
    received: Decimal
    spent: Decimal
    direct: Decimal
    direct_share: Decimal | None
    required_share: Decimal
    exterior_subsidy: Decimal | None  # the amount when eligible
    project_funds: bool
    must_standardize: bool

    @property
    def share_ok(self) -> bool:
        return self.direct_share is not None and self.direct_share >= self.required_share


def _fen(value: Decimal) -> Decimal:
    # SQLite sums decimals as numbers: put the fen back.
    return Decimal(value).quantize(Decimal("0.01"))


def _cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def exterior_subsidy(retained: Decimal, standardized_on: dt.date | None, *, on: dt.date | None = None
                     ) -> Decimal | None:
    """The exterior subsidy a station gets: retained below the threshold, standardized and accepted in the year."""
    below = policy.value(policies.SUBSIDY_RETAINED_BELOW, on=on).value
    year = int(policy.value(policies.SUBSIDY_YEAR, on=on).value)
    if retained < below and standardized_on is not None and standardized_on.year == year:
        return policy.value(policies.EXTERIOR_SUBSIDY, on=on).value
    return None


def project_funds_eligible(retained: Decimal, *, on: dt.date | None = None) -> bool:
    """A station retaining less than the threshold may apply for project funds."""
    return retained < policy.value(policies.PROJECT_RETAINED_BELOW, on=on).value


def must_standardize(retained: Decimal, *, on: dt.date | None = None) -> bool:
    """A station retaining at least the threshold must be standardized (001 §四(一))."""
    return retained >= policy.value(policies.MUST_STANDARDIZE_FROM, on=on).value


def year_of(station, profile, year: int) -> Year:
    """The year's money of a station, summed in SQL."""
    on = dt.date(year, 12, 31) if year < timezone.localdate().year else timezone.localdate()
    rows = (MoneyEntry.objects.filter(station=station, on__year=year).order_by()
            .values("received", "source", "category").annotate(total=Sum("amount")))
    sources = {r["source"]: _fen(r["total"]) for r in rows if r["received"]}
    categories = {r["category"]: _fen(r["total"]) for r in rows if not r["received"]}
    received = sum(sources.values(), ZERO)
    spent = sum(categories.values(), ZERO)
    direct = sum((v for k, v in categories.items() if k in DIRECT_CATEGORIES), ZERO)
    share = percent(_cents(direct), _cents(received)) if received else None
    return Year(year=year,
                by_source=[(label, sources.get(code, ZERO)) for code, label in FundSource.choices],
                by_category=[(label, categories.get(code, ZERO), code in DIRECT_CATEGORIES)
                             for code, label in SpendCategory.choices],
                received=received, spent=spent, direct=direct, direct_share=share,
                required_share=policy.value(policies.DIRECT_SHARE, on=on).value,
                exterior_subsidy=exterior_subsidy(profile.retained_funds, profile.standardized_on, on=on),
                project_funds=project_funds_eligible(profile.retained_funds, on=on),
                must_standardize=must_standardize(profile.retained_funds, on=on))
