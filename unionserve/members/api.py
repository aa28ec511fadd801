"""Members and employers over the API (scoped, paginated, filtered)."""

from ninja import Router

router = Router(tags=["members"])
