"""Data quality's public module."""

from .actions import recompute_snapshots

__all__ = ["recompute_snapshots"]
