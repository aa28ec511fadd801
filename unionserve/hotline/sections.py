"""The member page's "12351 requests" section."""

from __future__ import annotations

from unionserve.core.scope import scope_of

from .models import HotlineRequest


def requests_for_member(member, user) -> dict | None:
    """The member's requests the user may read (newest 20), or None to hide the section."""
    rows = list(scope_of(user).filter(HotlineRequest.objects.filter(member=member))
                .select_related("case", "category").order_by("-received_at")[:20])
    if not rows:
        return None
    return {"hotline_requests": rows}
