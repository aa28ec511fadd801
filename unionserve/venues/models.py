"""Models of brand venues."""
