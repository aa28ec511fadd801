"""Models of mutual aid."""
