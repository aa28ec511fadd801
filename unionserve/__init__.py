"""UnionServe: the three-level service system of a city trade-union federation."""

from .celery import app as celery_app

__all__ = ["celery_app"]
