"""Request middleware for access: idle timeout, login required everywhere, and forced password changes."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class IdleTimeoutMiddleware:
    """Log out a session idle for SESSION_IDLE_TIMEOUT seconds; note activity at most once a minute."""

    KEY = "last_seen"
    RESOLUTION = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(self.KEY, now)
            if now - last > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                if not request.path_info.startswith("/api/"):
                    messages.info(request, _("You were logged out after a period without activity."))
                    return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}")
            elif now - last >= self.RESOLUTION or self.KEY not in request.session:
                request.session[self.KEY] = now
        return self.get_response(request)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's login-required default, except for the API, which answers 401 in JSON itself."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class PasswordChangeRequiredMiddleware:
    """Send a user who must change their password to the change form before anything else."""

    ALLOWED_URL_NAMES = ("accounts:password_change", "accounts:logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and not request.path_info.startswith(("/static/", "/api/"))
            and request.path_info not in {reverse(name) for name in self.ALLOWED_URL_NAMES}
        ):
            return redirect("accounts:password_change")
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Send a user who owes the second factor (accounts.twofactor) to enrol or to give a code before anything else.

    After the forced password change, so a new account first sets its password, then its second factor.
    The API answers 401 itself (unionserve.api).
    """

    ALLOWED_URL_NAMES = ("accounts:two_factor_enrol", "accounts:two_factor_verify", "accounts:logout",
                         "accounts:password_change", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from . import twofactor

        if (
            not request.path_info.startswith(("/static/", "/api/"))
            and request.path_info not in {reverse(name) for name in self.ALLOWED_URL_NAMES}
            and twofactor.pending(request)
            and not request.user.must_change_password
        ):
            target = "accounts:two_factor_verify" if twofactor.confirmed_device(request.user) \
                else "accounts:two_factor_enrol"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
