"""Materialized paths for the two lines of the org tree.

A path is the chain of ancestor ids, each written as 8 digits, root first, the unit's own id last:
the city center (id 1) is ``00000001``, a district under it ``0000000100000017``. Paths hold digits
only, so the ordering of strings is the same under every database collation, and "all descendants of
P" is the half-open range ``[P, P + "a")``: one range scan on an ordinary b-tree index, on SQLite and
PostgreSQL alike. See docs/decisions/0002-org-tree.md.
"""

from __future__ import annotations

from django.db.models import Q

SEGMENT = 8
UPPER_SUFFIX = "a"  # sorts after every digit in every collation


def segment(pk: int) -> str:
    """The path segment of one unit."""
    return f"{pk:0{SEGMENT}d}"


def child_path(parent_path: str | None, pk: int) -> str:
    """The path of unit `pk` under a parent with `parent_path` (None: a root)."""
    return (parent_path or "") + segment(pk)


def depth(path: str) -> int:
    """Number of units on the path, the unit itself included (root = 1)."""
    return len(path) // SEGMENT


def ancestor_ids(path: str) -> list[int]:
    """Ids on the path from the root down to (and including) the unit itself."""
    return [int(path[i : i + SEGMENT]) for i in range(0, len(path), SEGMENT)]


def subtree_q(field: str, path: str) -> Q:
    """Q matching rows whose `field` path lies in the subtree rooted at `path` (inclusive)."""
    return Q(**{f"{field}__gte": path, f"{field}__lt": path + UPPER_SUFFIX})
