"""The secure headers of the OWASP Secure Headers Project that Django does not set itself.

Django's SecurityMiddleware sends X-Content-Type-Options, Referrer-Policy, Cross-Origin-Opener-Policy and (in
production) Strict-Transport-Security; XFrameOptionsMiddleware sends X-Frame-Options; django-csp sends the
Content-Security-Policy. This middleware adds the rest (docs/security.md, "Headers").
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

#: No page uses a device, a payment or the browser's tracking features: deny them to every frame.
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media", "fullscreen", "geolocation",
    "gyroscope", "magnetometer", "microphone", "midi", "payment", "picture-in-picture", "publickey-credentials-get",
    "screen-wake-lock", "sync-xhr", "usb", "xr-spatial-tracking",
))

HEADERS = {
    "Permissions-Policy": PERMISSIONS_POLICY,
    # Nothing of ours is meant to be loaded by another site (attachments, PDFs, exports included).
    "Cross-Origin-Resource-Policy": "same-origin",
    # Every resource a page loads is our own, so the page can refuse any cross-origin one outright.
    "Cross-Origin-Embedder-Policy": "require-corp",
    # No Flash or PDF plug-in may read cross-domain policy files from this host.
    "X-Permitted-Cross-Domain-Policies": "none",
}


class SecureHeadersMiddleware:
    """Add the headers above to every response that does not set them itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
