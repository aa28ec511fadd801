"""The 12351 platform's public module: what other areas may use of it (docs/architecture.md)."""

from .models import Category
from .signals import answer_archived

__all__ = ["Category", "answer_archived"]
