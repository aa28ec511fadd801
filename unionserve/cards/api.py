"""Jingka cards over the API."""

from ninja import Router

router = Router(tags=["cards"])
