"""How personal data is shown to those who may not see it in full."""


def mask_id(value: str) -> str:
    """110101199003077613 → 110101********7613 (area code and last four kept)."""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
