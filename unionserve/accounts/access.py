"""Whether a signed-in user may use the API now: the same gates the pages apply, for sessions and tokens alike.

A page sends a user who must change the password to the change form (`PasswordChangeRequiredMiddleware`), and
Axes stops a locked-out login; the API has no form to send anyone to, so it refuses both until the password is
changed or the lock is lifted (by the cool-off time or an administrator resetting the attempts).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import User


def is_locked_out(user: User) -> bool:
    """Whether Axes holds a lockout for this user name from any address (failures at the limit, not cooled off)."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    limit = settings.AXES_FAILURE_LIMIT
    if not isinstance(limit, int):  # a callable limit needs a request; the project sets a number
        return False
    attempts = AccessAttempt.objects.filter(username=user.get_username(), failures_since_start__gte=limit)
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts.exists()


def api_refusal(user: User) -> str | None:
    """Why `user` may not use the API now (shown in the 401 answer), or None when they may."""
    if not user.is_active:
        return _("This account is disabled.")
    if user.must_change_password:
        return _("Change your password on the web page before using the API.")
    if is_locked_out(user):
        return _("This account is locked after too many failed logins; try again later or ask an administrator.")
    return None
