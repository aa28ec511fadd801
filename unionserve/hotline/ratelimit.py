"""A small fixed-window limit per client address for the public portal (cache-backed, no extra package)."""

from __future__ import annotations

from django.core.cache import cache

from unionserve.audit.log import client_ip


def client_address(request) -> str:
    # The same address the audit log and the login lockout use: the proxy is set up to pass the client's
    # address as REMOTE_ADDR (docs/operations.md), never a header the client could forge.
    return client_ip(request) or "unknown"


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
