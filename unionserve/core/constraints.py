"""Database guards shared by every app.

`one_of(field, values)` is the condition of a CHECK constraint that a column holds one of a few codes. It is
written as ``field = a OR field = b …`` and not as ``field IN (a, b, …)``: both mean the same to every database,
but SQLite (3.40, the version here) evaluates a CHECK's constant IN list far more slowly, row by row — measured on
400,000 inserted rows, about 0.4 s per constraint against 0.02 s for the OR chain (bench/README.md, "Member import
before and after the floor plan"). The register's first load inserts millions of rows through three such guards.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db import models


def one_of(field: str, values: Iterable[str]) -> models.Q:
    """The condition "`field` holds one of `values`", as an OR of equalities (see the module's note)."""
    terms = [models.Q(**{field: value}) for value in dict.fromkeys(values)]
    if not terms:
        raise ValueError(f"one_of({field!r}) needs at least one value")
    return reduce(or_, terms)


def one_of_constraint(field: str, values: Iterable[str], *, name: str) -> models.CheckConstraint:
    """A CHECK constraint that `field` holds one of `values`."""
    return models.CheckConstraint(condition=one_of(field, values), name=name)
