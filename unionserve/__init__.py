"""UnionServe: the three-level service system of a city trade-union federation."""

from .celery import app as celery_app
from .release import VERSION as __version__  # CHANGELOG.md says what each release changed

__all__ = ["__version__", "celery_app"]
