"""Service projects: the public module, all other areas may use of this app."""

__all__: list[str] = []
