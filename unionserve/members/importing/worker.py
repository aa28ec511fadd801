"""Entry points of the validating worker processes. Importable before Django is set up (spawned workers
unpickle these functions and the context first, then ``init`` sets Django up)."""

from __future__ import annotations

_CONTEXT = None


def init(context) -> None:
    """Pool initializer: set Django up (settings from DJANGO_SETTINGS_MODULE) and keep the context."""
    import django

    django.setup()
    global _CONTEXT  # noqa: PLW0603 - one context per worker process
    _CONTEXT = context
    context.prepare()


def validate(chunk: list):
    """Validate one chunk with the context given to ``init``."""
    return _CONTEXT.validate(chunk)
