"""The net under every numeric input of the pages: a number too large for the database is a 400, never a 500."""

from __future__ import annotations

from django.db import DataError
from django.shortcuts import render
from django.utils.translation import gettext as _


class NumberOutOfRangeMiddleware:
    """Answer 400 with a message when a query overflowed the database's integer.

    Page numbers (core.paging), API ids and filters (core.api.Id) are bounded where they are read; this catches
    a number a view passes to the database unchecked (``?unit=99999999999999999999``): SQLite raises
    OverflowError before running the query, PostgreSQL a DataError ("out of range"). Both are the request's
    fault, so the user gets a 400 page saying so instead of the server-error page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        """A 400 page for an overflowing number; anything else goes on to the other handlers."""
        if isinstance(exception, OverflowError) or (
                isinstance(exception, DataError) and "out of range" in str(exception)):
            return render(request, "400.html", {"message": _("A number in the request is too large.")}, status=400)
        return None
