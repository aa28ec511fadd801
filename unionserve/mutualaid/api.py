"""Mutual aid over the API."""

from ninja import Router

router = Router(tags=["mutualaid"])
