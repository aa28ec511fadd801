"""Demo data of card payouts."""


def seed_demo() -> str:
    """Seed the demo rows (idempotent); returns a line saying what was added."""
    return "nothing yet"
