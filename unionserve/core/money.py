"""The project's one money type: yuan with fen as an exact decimal, never a float, with one ceiling.

Every amount (claims, money recovered, amounts of partner referrals) is a :func:`money_field` in the database,
a :func:`money_form_field` on a page and a :data:`Money` in the API, all bounded by :data:`MAX_AMOUNT`, so sums
and comparisons across apps (the legal statistics add mediation, legal aid and referrals together) agree and
an amount a page accepts is one the column holds.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from django import forms
from django.core.validators import MinValueValidator
from django.db import models
from pydantic import Field, WithJsonSchema

MAX_DIGITS = 14
DECIMAL_PLACES = 2
#: The one ceiling: the largest amount MAX_DIGITS digits with DECIMAL_PLACES places hold.
MAX_AMOUNT = Decimal(10 ** (MAX_DIGITS - DECIMAL_PLACES)) - Decimal(1).scaleb(-DECIMAL_PLACES)

#: The amounts the API accepts and answers, as its OpenAPI document states them: a decimal string of yuan.
MONEY_PATTERN = rf"^[0-9]{{1,{MAX_DIGITS - DECIMAL_PLACES}}}(\.[0-9]{{1,{DECIMAL_PLACES}}})?$"

#: An amount in the API: a decimal (a JSON string or number in, a string out), 0 to MAX_AMOUNT, at most 2 places.
#: The document types it as a string with MONEY_PATTERN (pydantic would say "any string", and a client sending
#: "abc" would be refused with 422 for a value the document allowed).
Money = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES),
                  WithJsonSchema({"type": "string", "pattern": MONEY_PATTERN, "examples": ["1234.50"],
                                  "description": "Yuan with fen, 0 to 999999999999.99"})]


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    """Yuan with fen, not negative: up to MAX_AMOUNT (999,999,999,999.99; the digits bound it)."""
    return models.DecimalField(verbose_name, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES,
                               validators=[MinValueValidator(0)], **kwargs)


def money_form_field(label, **kwargs) -> forms.DecimalField:
    """The form field of an amount: the same bounds and places as :func:`money_field`."""
    return forms.DecimalField(label=label, max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, min_value=0,
                              max_value=MAX_AMOUNT, **kwargs)
