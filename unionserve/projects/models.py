"""Models of service projects."""
