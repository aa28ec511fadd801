"""How personal data is shown to those who may not see it in full: the one set of masks.

The register's lists, the 12351 caller, legal-aid applicants, the outbox and the knowledge base's index of
answered requests all mask with these, so a number looks the same wherever it is shown.
"""

from __future__ import annotations

import re

# A mainland mobile number, or an 18-digit ID number (last character may be X), not inside a longer number.
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_IN_TEXT = re.compile(r"(?<![\dXx])\d{17}[\dXx](?![\dXx])")


def mask_id(value: str) -> str:
    """110101199003077613 → 110101********7613 (area code and last four kept)."""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_address(address: str) -> str:
    """An outbox address: a phone as `mask_phone` shows an 11-digit mobile (first 3, four stars, last 4),
    an e-mail address as its first letter and the domain; short addresses (in-app keys) unchanged."""
    if "@" in address:
        name, _at, domain = address.partition("@")
        return f"{name[:1]}***@{domain}"
    if len(address) > 7:
        return f"{address[:3]}****{address[-4:]}"
    return address


def mask_text(text: str) -> str:
    """Every mobile and ID number inside free text masked (13812345678 → 138****5678, an ID number → its
    first 6 and last 4 characters): for texts shown to others, such as answered requests."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id(m.group(0)), text or "")
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)
