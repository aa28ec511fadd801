"""Models of service stations."""
