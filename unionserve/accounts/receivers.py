"""What people and access do when the org tree changes."""

from __future__ import annotations

from .models import User


def move_users_of_merged_unit(sender, *, source, target, **kwargs) -> None:
    """A merged unit's users work at the unit it was merged into (inside the merge's transaction)."""
    User.objects.filter(org_unit=source).update(org_unit=target)
