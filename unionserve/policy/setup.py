"""The policy a new installation starts with (the setup_federation hook of this app)."""

from __future__ import annotations

from .service import ensure_defaults


def setup() -> str:
    """Every registered parameter gets its seed default as approved version 1; versions already there stay."""
    return f"policy parameters: {ensure_defaults()} seed defaults added"
