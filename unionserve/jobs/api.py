"""Job placement over the API."""

from ninja import Router

router = Router(tags=["jobs"])
