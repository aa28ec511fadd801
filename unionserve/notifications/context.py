"""Template context for the navigation badge."""

from __future__ import annotations

from .api import unread_count


def unread(request) -> dict:
    """{"unread_notifications": n} for the logged-in user (one count on a partial index), 0 otherwise."""
    return {"unread_notifications": unread_count(getattr(request, "user", None))}
