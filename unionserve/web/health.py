"""A health check for monitoring: database and cache/broker reachability, no personal data."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from unionserve.core.scope import scope_exempt


@scope_exempt(reason="health check, no data")
@login_not_required
@never_cache
@require_GET
def health(request):
    """200 with {"database": "ok", "tasks": "redis"|"in-process"} when all is well, 503 otherwise."""
    status = {"database": "ok", "tasks": "redis" if settings.REDIS_URL else "in-process"}
    ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        status["database"] = "unreachable"
        ok = False
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
        except Exception:  # noqa: BLE001
            status["tasks"] = "redis unreachable"
            ok = False
    return JsonResponse(status, status=200 if ok else 503)
