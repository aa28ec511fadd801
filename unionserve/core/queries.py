"""Query helpers every app shares."""

from __future__ import annotations

from django.db.models import Q

#: Above every character a name, pinyin initials or a case number can hold: ``value <= s < value + PREFIX_END``
#: for every s that starts with value, in code-point order (SQLite's BINARY collation, PostgreSQL's C / C.UTF-8).
PREFIX_END = "\U0010ffff"


def prefix_q(field: str, value: str) -> Q:
    """Rows whose ``field`` starts with ``value``, as a range an ordinary b-tree index answers.

    ``startswith`` becomes ``LIKE 'x%'``, which neither database answers from a plain index here (SQLite's
    LIKE is case-insensitive and needs a NOCASE index; PostgreSQL needs the C collation or pattern_ops):
    at 4M members, or 1M case numbers, that is a full scan on every keystroke.
    """
    return Q(**{f"{field}__gte": value, f"{field}__lt": value + PREFIX_END})
