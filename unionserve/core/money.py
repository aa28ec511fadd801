"""The project's one money type: yuan with fen as an exact decimal, never a float.

Every amount (claims, money recovered, amounts of partner referrals) is a :func:`money_field`, so sums and
comparisons across apps (the legal statistics add mediation, legal aid and referrals together) agree.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models

MAX_DIGITS = 14
DECIMAL_PLACES = 2


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    """Yuan with fen, not negative: up to 999,999,999,999.99."""
    return models.DecimalField(verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES,
                               validators=[MinValueValidator(0)], **kwargs)
