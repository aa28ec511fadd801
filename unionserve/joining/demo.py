"""Demo data of joining online."""


def seed_demo() -> str:
    """Seed the demo rows (idempotent); returns a line saying what was added."""
    return "nothing yet"
