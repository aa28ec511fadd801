"""Accident, death and fire-loss claims over the API."""

from ninja import Router

router = Router(tags=["mutualaid"])
