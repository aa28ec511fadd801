"""Errors raised by org-tree actions, with messages for the user."""

from django.core.exceptions import ValidationError


class OrgTreeError(ValidationError):
    """An org-tree change that would break the tree; the message says what to fix."""
