"""Validation of identifiers that are not personal data, shared by every app that records them.

- ``InvalidValue``: the error every identifier validator raises (``unionserve.pii`` raises it too for ID
  numbers and phones), its message saying what is wrong in the site language.
- Unified Social Credit Codes (GB 32100-2015) through python-stdnum: employers in the register, the other
  party of a mediation or legal-aid case.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumError


class InvalidValue(ValueError):
    """A value that fails validation; the message (Chinese by default) says what is wrong."""


def validate_uscc(value: str) -> str:
    """A valid Unified Social Credit Code (upper case), or InvalidValue."""
    code = value.strip().upper()
    try:
        return stdnum_uscc.validate(code)
    except StdnumError:
        raise InvalidValue(_("The Unified Social Credit Code is not valid (18 characters with a check character)."))
