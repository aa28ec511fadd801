"""Check characters of Chinese identifiers: USCC (GB 32100-2015), organization code (GB 11714-1997),
resident ID number (GB 11643-1999), and the Luhn digit of bank-card numbers.

Each ``*_check`` function computes the check character of a body; each ``is_valid_*`` verifies a whole
code. The generator uses the table-driven fast paths in :mod:`bench.datagen.members`; these are the
readable reference the tests pin down.
"""

from __future__ import annotations

# --- GB 32100-2015: 统一社会信用代码 ---------------------------------------------------------------
#: The 31 characters a USCC may contain (no I, O, S, V, Z), in value order 0..30.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARS)}
#: Weight of position i (0-based) is 3**i mod 31.
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

# --- GB 11714-1997: 组织机构代码 (positions 9-17 of a USCC) ---------------------------------------
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# --- GB 11643-1999: 公民身份号码 --------------------------------------------------------------------
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


def uscc_check(body17: str) -> str:
    """The 18th character of a USCC whose first 17 characters are ``body17``."""
    if len(body17) != 17:
        raise ValueError("a USCC body has 17 characters")
    total = sum(USCC_VALUE[c] * w for c, w in zip(body17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def org_code_check(body8: str) -> str:
    """The 9th character of an organization code (digits and capital letters; letters count 10..35)."""
    if len(body8) != 8:
        raise ValueError("an organization code body has 8 characters")
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def make_uscc(authority: str, org_type: str, division: str, org_body8: str) -> str:
    """A valid USCC: registration authority, organization type, 6-digit division, 8-char org-code body."""
    body = authority + org_type + division + org_body8 + org_code_check(org_body8)
    return body + uscc_check(body)


def is_valid_uscc(code: str, *, check_org_code: bool = True) -> bool:
    """Whether ``code`` is a well-formed USCC with a correct check character (and organization code)."""
    if len(code) != 18 or any(c not in USCC_VALUE for c in code):
        return False
    if not code[2:8].isdigit():
        return False
    if check_org_code and org_code_check(code[8:16]) != code[16]:
        return False
    return uscc_check(code[:17]) == code[17]


def id_check(body17: str) -> str:
    """The 18th character of a resident ID number whose first 17 digits are ``body17``."""
    if len(body17) != 17 or not body17.isdigit():
        raise ValueError("an ID number body has 17 digits")
    return ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


def is_valid_id_number(number: str) -> bool:
    """Whether ``number`` is an 18-character ID number with a correct check character."""
    return len(number) == 18 and number[:17].isdigit() and id_check(number[:17]) == number[17]


def id_gender(number: str) -> str:
    """男 when the 17th digit is odd, 女 when even."""
    return "男" if int(number[16]) % 2 else "女"


def luhn_check(payload: str) -> str:
    """The Luhn check digit appended to a card-number ``payload``."""
    total = 0
    for i, c in enumerate(reversed(payload)):
        d = int(c)
        if i % 2 == 0:  # the rightmost payload digit is doubled (it sits left of the check digit)
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def is_valid_luhn(number: str) -> bool:
    """Whether a card number's last digit is its Luhn check digit."""
    return number.isdigit() and len(number) > 1 and luhn_check(number[:-1]) == number[-1]
