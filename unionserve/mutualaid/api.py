"""Mutual aid over the API: plans, enrolment and the medical batch (`api_plans`), claims (`api_claims`)."""

from ninja import Router

from . import api_claims, api_plans

router = Router(tags=["mutualaid"])
router.add_router("", api_plans.router)
router.add_router("/claims", api_claims.router)
