"""The knowledge base's public module."""

from .segment import warm_up

__all__ = ["warm_up"]
