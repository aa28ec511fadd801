"""What identifies a person: resident ID numbers and mainland mobile numbers, validated fast enough for
millions of rows.

- Resident ID numbers (GB 11643-1999): 18 characters, ISO 7064 MOD 11-2 check character, a real birth
  date not in the future, and an area code that exists or existed in any era. Numbers are issued by the
  area of household registration at the time of issue, so a county code created after the birth year is
  normal and accepted (python-stdnum's `cn.ric` rejects those; we only use its table of codes).
- Mainland mobile numbers: 11 digits, 13–19 (a leading +86, spaces and dashes are dropped).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from importlib import resources

from django.utils.translation import gettext as _

from unionserve.core.validators import InvalidValue

__all__ = ["ID_CHECK", "ID_WEIGHTS", "IdInfo", "InvalidValue", "area_codes", "id_check_char", "parse_id_number",
           "validate_mobile"]

#: ISO 7064 MOD 11-2 weights of the first 17 characters and the check character for each remainder.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


@functools.cache
def area_codes() -> frozenset[str]:
    """Every county-level code in python-stdnum's table, whatever the years it was valid."""
    codes = set()
    province = ""
    text = resources.files("stdnum.cn").joinpath("loc.dat").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province = line.split(" ", 1)[0]
            codes.add(province + "0000")
        else:
            codes.add(province + line.strip().split(" ", 1)[0])
    return frozenset(codes)


@dataclass(frozen=True, slots=True)
class IdInfo:
    """What a valid ID number encodes."""

    number: str
    birth_date: dt.date
    gender: str  # "M" or "F"
    area: str


def id_check_char(first17: str) -> str:
    """The check character of the first 17 characters of an ID number."""
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def parse_id_number(value: str, today: dt.date | None = None) -> IdInfo:
    """Validate a resident ID number and return what it encodes; raise InvalidValue with the reason."""
    number = value.strip().upper()
    if not _ID_RE.match(number):
        raise InvalidValue(_("An ID number has 18 characters: 17 digits and a last digit or X."))
    if id_check_char(number[:17]) != number[17]:
        raise InvalidValue(_("The check character of the ID number is wrong; check for a typing error."))
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidValue(_("Characters 7–14 of the ID number are not a real date of birth.")) from None
    today = today or dt.date.today()
    if birth > today or birth.year < 1900:
        raise InvalidValue(_("The date of birth in the ID number is in the future or before 1900."))
    area = number[:6]
    if area not in area_codes():
        raise InvalidValue(_("The first six digits of the ID number are not a known area code."))
    return IdInfo(number, birth, "M" if int(number[16]) % 2 else "F", area)


def validate_mobile(value: str) -> str:
    """The 11 digits of a mainland mobile number, or InvalidValue."""
    number = re.sub(r"[\s-]", "", value)
    if number.startswith("+86"):
        number = number[3:]
    if not _MOBILE_RE.match(number):
        raise InvalidValue(_("A mobile number has 11 digits and starts with 13 to 19."))
    return number
