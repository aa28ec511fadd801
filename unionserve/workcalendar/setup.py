"""The working-day calendar a new installation starts with (the setup_federation hook of this app)."""

from __future__ import annotations

from .seeding import seed_from_package


def setup() -> str:
    """Load the years the chinesecalendar package knows; years an administrator entered stay as they are."""
    return f"working-day calendar: {seed_from_package()}"
