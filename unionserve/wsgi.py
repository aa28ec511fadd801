"""WSGI entry point."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionserve.settings.production")
application = get_wsgi_application()


def _warm_up() -> None:
    # The knowledge base's word segmenter takes about half a second to load; in a web process load it now,
    # so the first agent to type on a freshly started worker does not wait for it (management commands and
    # Celery workers, which rarely segment, do not pay it at start).
    from unionserve.knowledge.public import warm_up

    warm_up()


_warm_up()
