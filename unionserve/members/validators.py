"""Validation of the register's own identifiers: Jingka card numbers (19 digits with a Luhn check).

ID numbers and mobiles identify a person and are validated by ``unionserve.pii``; credit codes of employers
by ``unionserve.core.validators``.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from stdnum import luhn

from unionserve.core.validators import InvalidValue

_CARD_RE = re.compile(r"^\d{19}$")


def validate_card(value: str) -> str:
    """A Jingka card number (19 digits, Luhn check), or InvalidValue."""
    number = value.strip()
    if not _CARD_RE.match(number) or not luhn.is_valid(number):
        raise InvalidValue(_("A card number has 19 digits with a valid check digit."))
    return number
