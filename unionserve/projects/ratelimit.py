"""A small fixed-window limit per client address for the public pages (cache-backed), as the 12351 portal has."""

from __future__ import annotations

from django.core.cache import cache

from unionserve.audit.log import client_ip


def hit(request, bucket: str, limit: int, window_seconds: int) -> bool:
    """Count one hit; True while the client stays within `limit` hits per window."""
    key = f"projects-rl:{bucket}:{client_ip(request) or 'unknown'}"
    if cache.add(key, 1, window_seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, window_seconds)
        return True
    return count <= limit
