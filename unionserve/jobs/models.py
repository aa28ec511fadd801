"""Models of job placement."""
