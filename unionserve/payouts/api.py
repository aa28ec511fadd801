"""Card payouts over the API."""

from ninja import Router

router = Router(tags=["payouts"])
