"""Psychological stations (职工心灵驿站) and mother-and-infant rooms: the directory and progress against the targets."""
