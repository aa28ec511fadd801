"""Brand venues over the API."""

from ninja import Router

router = Router(tags=["venues"])
