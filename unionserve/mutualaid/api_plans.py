"""Plans, enrolment and the medical batch over the API."""

from ninja import Router

router = Router(tags=["mutualaid"])
