"""The request type of views behind login, for the type checker.

Every view but the few marked ``login_not_required`` is behind ``LoginRequiredMiddleware``, so its
``request.user`` is a signed-in ``User``, never ``AnonymousUser``; and ``HtmxMiddleware`` gives every
request its ``htmx`` details. Annotating such a view's request with this class says so.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
