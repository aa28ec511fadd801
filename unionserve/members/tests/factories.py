"""Test helpers: members and employers with valid, encrypted personal data."""

from __future__ import annotations

import datetime as dt
import itertools

from unionserve import pii
from unionserve.members.demo import make_uscc
from unionserve.members.models import Employer, Member, MembershipHistory
from unionserve.members.search import initials_of

_seq = itertools.count(1)


def id_number(birth: str = "19900307", area: str = "110101", seq: int | None = None, female: bool = False) -> str:
    """A valid resident ID number (GB 11643 check character)."""
    n = next(_seq) if seq is None else seq
    serial = f"{(n * 2 + (0 if female else 1)) % 1000:03d}"
    body = f"{area}{birth}{serial}"
    return body + pii.id_check_char(body)


def make_employer(station, *, name="东华门科技有限公司", grassroots=None, industry_union=None, uscc=None) -> Employer:
    return Employer.objects.create(
        name=name, uscc=uscc or make_uscc("110101", f"test:{name}:{next(_seq)}"), station=station,
        industry_union=industry_union, has_union=grassroots is not None, grassroots=grassroots,
    )


def make_member(unit, name: str = "张三", *, number: str | None = None, phone: str | None = "13812345678",
                employer: Employer | None = None, history: bool = True, **fields) -> Member:
    number = number or id_number()
    info = pii.parse_id_number(number)
    member = Member.objects.create(
        name=name, initials=initials_of(name), **pii.seal_id_number(number).columns("id"),
        birth_date=info.birth_date, gender=info.gender, **pii.seal_phone(phone or "").columns("phone"),
        employer=employer, grassroots=unit, **fields,
    )
    if history:
        MembershipHistory.objects.create(member=member, employer=employer, grassroots=unit,
                                         since=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    return member
