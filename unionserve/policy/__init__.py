"""Versioned policy numbers (deadline lengths, thresholds, caps, amounts), the project's one mechanism.

Public API for the apps above:

- ``register(key, kind, label, source, default, ...)`` — declare a parameter (in an area's ``policies.py``);
- ``value(key, on=date)`` — the ``PolicyValue`` in force on a day (value, version, effective date, source);
- ``memoized()`` — a block in which each (key, day) is read from the database once (lists of many rows);
- ``Kind`` — the kinds of parameter.

Changes go through ``policy.actions`` (propose, approve by a second person, reject, withdraw). See docs/policy.md.
"""

from __future__ import annotations

import datetime as dt

from .registry import Kind, Parameter, PolicyValueError, parameter, parameters, register

__all__ = ["Kind", "Parameter", "PolicyValueError", "memoized", "parameter", "parameters", "register", "value"]


def memoized():
    """Read each (key, day) once inside a `with` block (see ``service.memoized``)."""
    from .service import memoized as _memoized

    return _memoized()


def value(key: str, on: dt.date | dt.datetime | None = None):
    """The value of `key` in force on `on` (see ``service.value``)."""
    from .service import value as _value

    return _value(key, on)
