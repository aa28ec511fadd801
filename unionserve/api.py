"""The JSON API: django-ninja under /api/, OpenAPI at /api/openapi.json, docs at /api/docs.

Authentication is the browser session (with CSRF on writes) or a personal token sent as
``Authorization: Bearer <token>``. Every endpoint reads through the same scope as the pages.
Errors are JSON ``{"detail": "..."}`` in the request's language.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from unionserve.accounts import twofactor
from unionserve.accounts.access import api_refusal
from unionserve.accounts.models import ApiToken
from unionserve.core.api import DocumentedErrorsAPI


class AccessRefused(AuthenticationError):
    """A known user who may not use the API now (password to change, account locked out): 401 with the reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(401, reason)
        self.reason = reason


class TokenAuth(HttpBearer):
    """Personal API tokens made on the user's account page."""

    def authenticate(self, request, token: str):
        user = ApiToken.authenticate(token)
        if user is None:
            return None
        reason = api_refusal(user)
        if reason is not None:
            raise AccessRefused(reason)
        request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """The logged-in browser session; CSRF is checked on writes."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None or not user.is_active:
            return None
        reason = api_refusal(user)
        if reason is None and twofactor.pending(request):
            reason = _("Complete the two-factor login on the web page before using the API.")
        if reason is not None:
            raise AccessRefused(reason)
        return user


api = DocumentedErrorsAPI(
    title="UnionServe API",
    version="1.0.0",
    description="The JSON API of UnionServe. Every list is scoped to the caller's part of the organization.",
    auth=[TokenAuth(), ActiveSessionAuth()],
    docs_url="/docs",
)


def _error(request, status: int, detail: str, **extra):
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(request, 404, _("Not found, or not in your part of the organization."))


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return _error(request, 403, str(exc) if str(exc) else _("You do not have permission to do this."))


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    if isinstance(exc, AccessRefused):
        return _error(request, 401, exc.reason)
    return _error(request, 401, _("Log in, or send a valid API token as 'Authorization: Bearer <token>'."))


@api.exception_handler(NinjaValidationError)
def invalid(request, exc):
    return _error(request, 422, _("The request is not valid; see errors."), errors=exc.errors)


@api.exception_handler(DjangoValidationError)
def rejected(request, exc):
    from unionserve.workflow.errors import StaleCase

    return _error(request, 409 if isinstance(exc, StaleCase) else 400, " ".join(exc.messages))


@api.exception_handler(OverflowError)
def out_of_range(request, exc):
    # The net under core.api.Id and the bounded pagination: a number the database's integer cannot hold.
    return _error(request, 422, _("A number in the request is too large."))


@api.exception_handler(HttpError)
def http_error(request, exc):
    return _error(request, exc.status_code, str(exc))


api.add_router("/orgs/", "unionserve.orgs.api.router")
api.add_router("/accounts/", "unionserve.accounts.api.router")
api.add_router("/work/", "unionserve.workflow.api.router")
api.add_router("/policy/", "unionserve.policy.api.router")
api.add_router("/members/", "unionserve.members.api.router")
api.add_router("/mediation/", "unionserve.mediation.api.router")
api.add_router("/linkage/", "unionserve.linkage.api.router")
api.add_router("/legal-reports/", "unionserve.legalreports.api.router")
api.add_router("/hotline/", "unionserve.hotline.api.router")
api.add_router("/legalaid/", "unionserve.legalaid.api.router")
api.add_router("/knowledge/", "unionserve.knowledge.api.router")
api.add_router("/cards/", "unionserve.cards.api.router")
api.add_router("/visits/", "unionserve.visits.api.router")
api.add_router("/payouts/", "unionserve.payouts.api.router")
api.add_router("/mutual-aid/", "unionserve.mutualaid.api.router")
api.add_router("/projects/", "unionserve.projects.api.router")
api.add_router("/stations/", "unionserve.stations.api.router")
api.add_router("/assistance/", "unionserve.assistance.api.router")
api.add_router("/jobs/", "unionserve.jobs.api.router")
api.add_router("/venues/", "unionserve.venues.api.router")
api.add_router("/joining/", "unionserve.joining.api.router")
