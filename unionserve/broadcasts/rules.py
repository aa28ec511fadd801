"""The text of an appeal: placeholders filled per member, length limits, the sending rate."""

from __future__ import annotations

import string

from django.conf import settings
from django.utils.translation import gettext as _

#: Placeholders a sender may write in the text, and what fills them.
PLACEHOLDERS = {"name": "member's name", "union": "member's grassroots union"}
# An SMS gateway splits long texts into 67-character parts; an appeal longer than five parts is an article.
MAX_LENGTH = 335
DEFAULT_RATE_PER_MINUTE = 600
#: Rows written per transaction: a window of a large rate is split so no transaction holds 100,000 rows.
CHUNK = 1000


class TextError(ValueError):
    """The text has a placeholder the system does not know or a stray brace."""


def check_text(body: str) -> None:
    """Raise TextError when `body` has an unknown placeholder or an unmatched brace."""
    try:
        fields = [f for _lit, f, _spec, _conv in string.Formatter().parse(body) if f is not None]
    except ValueError as exc:
        raise TextError(_("The text has an unmatched brace: write placeholders as {name} or {union}.")) from exc
    unknown = sorted({f for f in fields if f not in PLACEHOLDERS})
    if unknown:
        raise TextError(_("Unknown placeholder(s) %(names)s: use {name} or {union}.")
                        % {"names": ", ".join("{" + u + "}" for u in unknown)})


def fill(body: str, *, name: str, union: str) -> str:
    """The text for one member."""
    return body.format_map({"name": name, "union": union})


def rate_per_minute() -> int:
    """Messages per minute a broadcast is queued at (settings.UNIONSERVE["BROADCAST_RATE_PER_MINUTE"])."""
    rate = int(settings.UNIONSERVE.get("BROADCAST_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE))
    if rate < 1:
        raise ValueError("UNIONSERVE['BROADCAST_RATE_PER_MINUTE'] must be at least 1.")
    return rate
