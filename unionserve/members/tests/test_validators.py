"""Identifier validation: ID numbers (GB 11643), USCC, mobiles, card numbers."""

import datetime as dt

import pytest

from unionserve.core.validators import InvalidValue, validate_uscc
from unionserve.members.validators import validate_card
from unionserve.pii import id_check_char, parse_id_number, validate_mobile


def make_id(area: str, birth: str, seq: str = "123") -> str:
    body = area + birth + seq
    return body + id_check_char(body)


def test_a_valid_number_gives_birth_date_and_gender():
    info = parse_id_number("11010519491231002X")
    assert info.birth_date == dt.date(1949, 12, 31) and info.gender == "F" and info.area == "110105"
    assert parse_id_number(make_id("110101", "19900307", "761")).gender == "M"


def test_check_character_errors_are_caught():
    good = make_id("110101", "19900307")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(InvalidValue):
        parse_id_number(bad)


@pytest.mark.parametrize("birth,ok", [("20261126", True), ("20261127", False), ("19000101", True),
                                      ("18991231", False), ("19900230", False)])
def test_birth_date_at_and_around_its_limits(birth, ok):
    number = make_id("110101", birth)
    today = dt.date(2026, 11, 26)
    if ok:
        assert parse_id_number(number, today=today).birth_date.strftime("%Y%m%d") == birth
    else:
        with pytest.raises(InvalidValue):
            parse_id_number(number, today=today)


def test_a_county_code_created_after_the_birth_year_is_accepted():
    # 110115 (大兴区) became a district in 2001; people born before that got such numbers later.
    assert parse_id_number(make_id("110115", "19650101")).area == "110115"
    # 110224 (old 大兴县) is a code of an earlier era, still found on older cards.
    assert parse_id_number(make_id("110224", "19650101")).area == "110224"


def test_an_unknown_area_code_is_refused():
    with pytest.raises(InvalidValue):
        parse_id_number(make_id("990000", "19800101"))


def test_uscc_mobile_and_card():
    assert validate_uscc("91110108551385082Q") == "91110108551385082Q"
    with pytest.raises(InvalidValue):
        validate_uscc("91110108551385082A")
    assert validate_mobile("138 1234 5678") == "13812345678"
    for bad in ("12812345678", "1381234567", "138123456789"):
        with pytest.raises(InvalidValue):
            validate_mobile(bad)
    with pytest.raises(InvalidValue):
        validate_card("6219990000000000001")
