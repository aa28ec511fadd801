"""Two-factor login (TOTP, django-otp) for the roles that see personal data in clear, manage users or change policy.

`core.roles.TWO_FACTOR_PERMISSIONS` says which roles; the setting ``UNIONSERVE_REQUIRE_2FA`` says whether it is
required (production: yes; the demo and the tests: no, unless a test turns it on). After the password, such a
user either enrols (a QR code and the key to type in an authenticator app, confirmed by one code) or gives the
code of their app; until then every page sends them there and the API answers 401. A user who lost the device is
reset by an administrator who manages their unit (audited), and enrols again at the next login.
"""

from __future__ import annotations

import base64
import io

from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from unionserve.audit.log import record
from unionserve.audit.models import AuditAction
from unionserve.core.roles import requires_two_factor

from .actions import _require_manager_of
from .models import User

DEVICE_NAME = "authenticator"


def required_for(user: User) -> bool:
    """Whether `user` must log in with a second factor under the current settings."""
    return bool(getattr(settings, "UNIONSERVE_REQUIRE_2FA", False)) and requires_two_factor(user.role_names)


def pending(request) -> bool:
    """Whether the signed-in user of `request` still owes the second factor of this session."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not required_for(user):
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (callable(is_verified) and is_verified())


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up (made on first call, kept while the user scans and types a code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def manual_key(device: TOTPDevice) -> str:
    """The secret as base32 in groups of four, to type into an app that cannot scan."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i:i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code, drawn here (the secret goes to no outside service)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(device.config_url, image_factory=SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.find("<svg"):]  # inline in the page: without the XML declaration


def _clean(token: str) -> str:
    token = "".join(str(token or "").split())
    return token if token.isdigit() and len(token) == 6 else ""


@transaction.atomic
def confirm_enrolment(request, token: str) -> bool:
    """Confirm the device with one code from the app; the session counts as verified. Audited."""
    user = request.user
    device = enrolment_device(user)
    token = _clean(token)
    if not token or not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    record(AuditAction.TWO_FACTOR_ENROLLED, actor=user, request=request, obj=user, unit=user.org_unit)
    return True


def verify(request, token: str) -> bool:
    """Check a code against the user's confirmed device (django-otp throttles repeated failures)."""
    device = confirmed_device(request.user)
    token = _clean(token)
    if device is None or not token or not device.verify_token(token):
        return False
    otp_login(request, device)
    return True


@transaction.atomic
def reset(user: User, *, acting_user: User, request=None) -> None:
    """Recovery: an administrator of the user's unit removes their devices; they enrol again at next login."""
    _require_manager_of(acting_user, user.org_unit)
    TOTPDevice.objects.filter(user=user).delete()
    record(AuditAction.TWO_FACTOR_RESET, actor=acting_user, request=request, obj=user, unit=user.org_unit)
