"""Check characters of USCCs, organization codes, ID numbers and card numbers, and the generated data."""

from __future__ import annotations

import datetime

import pytest

from bench.datagen import codes, tables
from bench.datagen.members import iter_members
from bench.datagen.plan import build_plan

# USCCs of well-known companies as published in public registries; both check characters verify.
KNOWN_USCCS = [
    "91110108551385082Q",
    "91110000802100433B",
    "91440300708461136T",
    "91330100716105852F",
    "914403001922038216",
]
# The worked example of GB 11643-1999 and a Beijing number.
KNOWN_IDS = ["11010519491231002X", "440524188001010014"]


@pytest.mark.parametrize("code", KNOWN_USCCS)
def test_known_usccs_are_valid(code):
    assert codes.is_valid_uscc(code)
    assert codes.uscc_check(code[:17]) == code[17]
    assert codes.org_code_check(code[8:16]) == code[16]


def test_a_published_looking_code_with_a_wrong_check_character_is_refused():
    # The issue suggested this one; its check character is W, not K (and its org code's is 4, not 2).
    assert not codes.is_valid_uscc("91110000100003362K")
    assert codes.uscc_check("91110000100003362") == "W"


@pytest.mark.parametrize("code", KNOWN_USCCS)
def test_any_single_character_change_breaks_a_uscc(code):
    for i in range(18):
        for c in codes.USCC_CHARS:
            if c != code[i]:
                changed = code[:i] + c + code[i + 1 :]
                # 31 is prime and no weight is 0 mod 31: every single substitution changes the check.
                assert not codes.is_valid_uscc(changed, check_org_code=False), changed


def test_uscc_round_trip():
    code = codes.make_uscc("9", "1", "110105", "MA01ABCD")
    assert len(code) == 18 and codes.is_valid_uscc(code)
    assert codes.make_uscc("9", "1", "110108", "55138508") == "91110108551385082Q"  # rebuilds a real one
    assert not codes.is_valid_uscc(code.lower())
    assert not codes.is_valid_uscc(code[:17] + "I")  # I is not a USCC character


@pytest.mark.parametrize("number", KNOWN_IDS)
def test_known_id_numbers(number):
    assert codes.is_valid_id_number(number)


def test_id_single_digit_change_fails():
    number = KNOWN_IDS[0]
    for i in range(17):
        d = str((int(number[i]) + 1) % 10)
        assert not codes.is_valid_id_number(number[:i] + d + number[i + 1 :])
    assert not codes.is_valid_id_number(number[:17] + "0")


def test_luhn():
    assert codes.is_valid_luhn("4111111111111111")  # the classic test card number
    assert not codes.is_valid_luhn("4111111111111112")


@pytest.fixture(scope="module")
def members():
    plan = build_plan(seed=3, units=700, members=3000)
    return list(iter_members(plan)), plan


def test_generated_members_have_valid_ids_gender_and_birth_dates(members):
    rows, _plan = members
    assert len(rows) == 3000
    for row in rows:
        name, id_number, gender, birth = row[:4]
        assert codes.is_valid_id_number(id_number), row
        assert codes.id_gender(id_number) == gender, row  # 17th digit odd: male
        assert id_number[6:14] == birth.replace("-", "")
        born = datetime.date.fromisoformat(birth)
        assert datetime.date(1960, 1, 1) <= born <= datetime.date(2006, 12, 31) < tables.REFERENCE_DATE
        assert born < datetime.date.today()
        joined = datetime.date.fromisoformat(row[8])
        assert born < joined <= tables.REFERENCE_DATE
        assert len(row[4]) == 11 and row[4][0] == "1" and row[4][1] in "3456789", row
        assert codes.is_valid_uscc(row[5]), row
        assert not row[15] or (len(row[15]) == 19 and codes.is_valid_luhn(row[15])), row
        assert row[14] == "否" or gender == "女"
    assert len({r[1] for r in rows}) == len(rows)  # ID numbers are unique
    assert len({r[15] for r in rows if r[15]}) == sum(1 for r in rows if r[15])


def test_generated_shares_are_plausible(members):
    rows, plan = members
    card = sum(1 for r in rows if r[15]) / len(rows)
    assert 0.88 < card < 0.97
    local = sum(1 for r in rows if r[1].startswith("11")) / len(rows)
    assert 0.78 < local < 0.92
    assert {r[7] for r in rows} <= {g.grassroots_code for g in plan.grassroots}


def test_plan_counts():
    plan = build_plan(seed=3, units=1000)
    assert len(plan.companies) == 145
    assert len(plan.stations) == 349
    assert len(plan.grassroots) == 1000 - 406 - 121
    on_industry = sum(1 for g in plan.grassroots if g.company_code) / len(plan.grassroots)
    assert abs(on_industry - 0.40) < 0.01
    assert len({e.uscc for e in plan.employers()}) == len(plan.employers())
    with pytest.raises(ValueError):
        build_plan(seed=3, units=100)
