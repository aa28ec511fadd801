"""Models of joining online."""
