"""`policy.memoized()`: inside the block each (key, day) is read from the database once; outside, every time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from unionserve import policy
from unionserve.stations import policies  # noqa: F401 - registers the stations' keys

pytestmark = pytest.mark.django_db


def test_a_value_is_read_once_inside_the_block_and_each_time_outside():
    key = sorted(p.key for p in policy.parameters() if p.key.startswith("stations."))[0]
    day = dt.date(2026, 10, 8)
    first = policy.value(key, on=day)  # seeds the default version once
    with CaptureQueriesContext(connection) as outside:
        for _ in range(5):
            policy.value(key, on=day)
    with CaptureQueriesContext(connection) as inside, policy.memoized():
        values = [policy.value(key, on=day) for _ in range(5)]
    assert len(outside.captured_queries) == 5 and len(inside.captured_queries) == 1
    assert all(v == first for v in values)
    with CaptureQueriesContext(connection) as after:
        policy.value(key, on=day)
    assert len(after.captured_queries) == 1  # the block's memo ended with it
