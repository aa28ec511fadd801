"""Errors an action can end with; each message tells the user what happened and what to do."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _


class StaleCase(ValidationError):
    """Someone else changed the case after this user loaded it."""

    def __init__(self):
        super().__init__(_("This case was changed by someone else after you opened it. Reload the page and try again."),
                         code="stale")


class ActionRefused(ValidationError):
    """The action is not possible now; the message gives the reason."""


class NotAllowed(PermissionDenied):
    """The user may not take this action on this case."""
