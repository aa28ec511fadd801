"""Hypothesis profiles for the property tests: ``ci`` (the default) and ``thorough`` (``HYPOTHESIS_PROFILE``).

``ci`` is derandomized (the same examples on every run, so a red build is a change in the code, never luck)
and bounded so the property modules take seconds; its deadline is generous, as CI's two cores are shared and
the tests bound their own time where a hang is what they look for. ``thorough`` is for a developer's machine,
many more random examples, when the reader changes. Neither keeps an example database in the work tree: a
failure prints its example and the blob that replays it (``@reproduce_failure``).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=60, deadline=5000, derandomize=True, print_blob=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "thorough", max_examples=3000, deadline=None, print_blob=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
