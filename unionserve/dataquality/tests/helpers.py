"""Rows of the register made directly, fast, for the data-quality tests."""

from __future__ import annotations

import datetime as dt
import itertools

from stdnum.cn import uscc as stdnum_uscc

from unionserve import pii
from unionserve.members.models import Employer, Member, MemberStatus

_serial = itertools.count(1)


def uscc() -> str:
    """A valid, unique Unified Social Credit Code."""
    n = next(_serial)
    # 91 + division 110101 + a 9-character organization code (8 digits + its check character).
    org = f"{n:08d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(c) * w for c, w in zip(org, weights, strict=True)) % 11
    org += {10: "X", 11: "0"}.get(check, str(check))
    body = f"91110101{org}"
    return body + stdnum_uscc.calc_check_digit(body)


def employer(station, *, grassroots=None, industry=None, reported: int = 0, valid: bool = True, **over) -> Employer:
    fields = {
        "name": f"单位{next(_serial)}", "uscc": uscc(), "address": "北京市东城区东华门大街1号", "station": station,
        "industry_union": industry, "has_union": grassroots is not None, "grassroots": grassroots,
        "reported_members": reported, "contact_name": "王经理", "contact_phone": "13800138000",
    }
    if not valid:
        fields["contact_phone"] = "12345"
    fields.update(over)
    return Employer.objects.create(**fields)


def members(grassroots, n: int, *, status: str = MemberStatus.ACTIVE, employer=None) -> list[Member]:
    rows = []
    for _ in range(n):
        k = next(_serial)
        id_number = f"ID{k:016d}"
        rows.append(Member(
            name=f"会员{k}", id_hash=pii.lookup_hash(id_number),
            id_encrypted=pii.seal_id_number(id_number).ciphertext,
            id_masked=pii.mask_id(f"110101{k:012d}"), birth_date=dt.date(1990, 1, 1), gender="M",
            phone_masked=pii.mask_phone("13800138000"), grassroots=grassroots, employer=employer, status=status,
        ))
    return Member.objects.bulk_create(rows)


def change_policy(proposer, approver, effective_from, **values) -> None:
    """Change data-quality numbers the way the city office does: proposed, approved by a second person.

    `values` are Thresholds attribute names (unit_pass_min=90, check_deadline_working_days=3, …).
    """
    from unionserve.dataquality.models import KEYS
    from unionserve.policy import actions as policy_actions

    for attr, value in values.items():
        version = policy_actions.propose(KEYS[attr], str(value), effective_from, acting_user=proposer,
                                         reason="test")
        policy_actions.approve(version.pk, acting_user=approver)
