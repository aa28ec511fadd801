"""A small fixed-window limit per client address for the public portal (cache-backed, no extra package)."""

from __future__ import annotations

from django.core.cache import cache


def client_address(request) -> str:
    # Behind the reverse proxy the address is the proxy's; settings may add a trusted header later.
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(request, bucket: str, limit: int, window_seconds: int) -> bool:
    """Count one hit; True while the client stays within `limit` hits per window."""
    key = f"hotline-rl:{bucket}:{client_address(request)}"
    if cache.add(key, 1, window_seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window_seconds)
        return True
    return count <= limit
