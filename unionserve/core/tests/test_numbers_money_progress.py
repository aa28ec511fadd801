"""The one rounding rule, the one money ceiling and the one progress rule of core."""

from decimal import Decimal

import pytest
from django import forms
from ninja import Schema
from pydantic import ValidationError

from unionserve.core.money import MAX_AMOUNT, Money, money_field, money_form_field
from unionserve.core.numbers import below, percent
from unionserve.core.progress import Progress


def test_percent_is_one_decimal_half_up():
    assert percent(2, 3) == Decimal("66.7")
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 16) == Decimal("6.3")  # 6.25: half up, not to even
    assert percent(1999, 2000) == Decimal("100.0")
    assert percent(0, 0) is None and percent(5, 0) is None


def test_below_judges_the_shown_figure():
    assert below(9794, 10000, Decimal("98")) and not below(9795, 10000, Decimal("98"))
    assert not below(0, 0, Decimal("95"))


def test_progress_is_never_100_before_the_job_has_finished():
    assert Progress(1999, 2000).percent == 99
    assert Progress(1999, 2000, finished=True).percent == 100
    assert Progress(0, 0).percent == 0
    assert Progress(5, 0, finished=True).percent == 100
    assert Progress(50, 200).percent == 25
    assert Progress(300, 200).percent == 99  # more done than counted: capped until finished


class _Amount(Schema):
    amount: Money | None = None


def test_one_ceiling_in_the_column_the_form_and_the_api():
    assert Decimal("999999999999.99") == MAX_AMOUNT
    column = money_field("x")
    assert (column.max_digits, column.decimal_places) == (14, 2)
    field = money_form_field("x", required=False)
    assert field.clean("999999999999.99") == MAX_AMOUNT
    for bad in ("1000000000000", "-1", "1.234"):
        with pytest.raises(forms.ValidationError):
            field.clean(bad)
    assert _Amount(amount="999999999999.99").amount == MAX_AMOUNT
    for bad in ("1000000000000.00", "-0.01", "1.234"):
        with pytest.raises(ValidationError):
            _Amount(amount=bad)
    assert _Amount(amount=Decimal("12.5")).model_dump(mode="json") == {"amount": "12.5"}
