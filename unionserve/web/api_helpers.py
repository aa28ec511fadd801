"""Small helpers shared by every app's API module."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require_perm(request, perm: str) -> None:
    """Raise 403 (JSON, in the request's language) unless the caller holds `perm`."""
    if not request.user.has_perm(perm):
        raise PermissionDenied(_("Your roles do not include this work."))
