"""The release number, in a module of its own so that any layer may read it (pyproject.toml holds the same)."""

VERSION = "0.2.0"
