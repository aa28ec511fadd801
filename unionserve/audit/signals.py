"""Record logins, logouts, failed logins and lockouts from Django's and Axes' signals."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .log import record
from .models import AuditAction


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record(AuditAction.LOGIN, actor=user, request=request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(AuditAction.LOGOUT, actor=user, request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")[:150]
    actor = get_user_model().objects.filter(username=username).first() if username else None
    record(AuditAction.LOGIN_FAILED, actor=actor, request=request, username=username)


@receiver(user_locked_out)
def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    actor = get_user_model().objects.filter(username=username).first() if username else None
    record(AuditAction.LOCKED_OUT, actor=actor, request=request, username=username or "")
