"""Service projects over the API."""

from ninja import Router

router = Router(tags=["projects"])
