"""Demo data of job placement."""


def seed_demo() -> str:
    """Seed the demo rows (idempotent); returns a line saying what was added."""
    return "nothing yet"
