"""Text that may be translated lazily.

A label declared at import time is a ``gettext_lazy`` promise, translated when it is rendered, so
the fields that hold such labels accept both. Under the type checker the promise is django-stubs'
``_StrPromise`` (which knows it behaves as a str); at run time it is Django's ``Promise``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    # Declared an alias explicitly: mypy may otherwise read it as a variable, depending on the order in which it
    # meets the modules of an import cycle.
    StrOrPromise: TypeAlias = str | _StrPromise
else:
    from django.utils.functional import Promise

    StrOrPromise = str | Promise


# Characters people cannot see that `str.isspace` does not count as space: zero-width space, non-joiner and joiner,
# word joiner, and the byte-order mark. A text made of only these (or of spaces, the full-width "\u3000" and the
# no-break "\u00a0" included) is empty to the reader, so it is empty to every required field.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def strip_text(value: object) -> str:
    """`value` as text without leading or trailing Unicode whitespace or invisible characters."""
    text = str(value if value is not None else "")
    start, end = 0, len(text)
    while start < end and _empty_char(text[start]):
        start += 1
    while end > start and _empty_char(text[end - 1]):
        end -= 1
    return text[start:end]


def _empty_char(c: str) -> bool:
    return c.isspace() or c in INVISIBLE


def is_blank(value: object) -> bool:
    """True when `value` is missing, empty, or text that shows nothing (Unicode whitespace and invisible marks)."""
    if value is None:
        return True
    if isinstance(value, (list, tuple)):
        return all(is_blank(v) for v in value)
    if isinstance(value, str):
        return all(_empty_char(c) for c in value)
    return False


def lines_of(value: object) -> list[str]:
    """The non-blank lines of a text, each stripped (a list of reasons typed one per line)."""
    return [line for line in (strip_text(part) for part in str(value or "").splitlines()) if line]
