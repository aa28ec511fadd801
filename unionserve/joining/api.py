"""Joining online over the API."""

from ninja import Router

router = Router(tags=["joining"])
