"""Accident, death and home fire-loss claims (000 §四.8, 002 §二(七))."""

__all__: list[str] = []
