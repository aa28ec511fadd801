"""UnionServe: the three-level service system of a city trade-union federation."""

from .celery import app as celery_app

#: The release (pyproject.toml holds the same; CHANGELOG.md says what each one changed). Backups record it.
__version__ = "0.2.0"

__all__ = ["__version__", "celery_app"]
