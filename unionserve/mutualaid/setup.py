"""The plans a new installation starts with (the setup_federation hook of this app)."""

from __future__ import annotations

from .catalog import PLANS
from .models import Plan


def setup() -> str:
    """The eight plans of seed 003 §三 (idempotent: existing plans keep their rows, names are refreshed)."""
    added = 0
    for spec in PLANS:
        _plan, created = Plan.objects.update_or_create(
            code=spec.code, defaults={"name": spec.name, "kind": spec.kind, "order": spec.order})
        added += created
    return f"mutual-aid plans: {added} added"
