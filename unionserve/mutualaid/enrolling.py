"""A unit's enrolment list (Excel or CSV), checked like the register's import and written all or nothing.

Columns (header row): 身份证号, 姓名, 计划 (the plan's code or its name), 年度, 缴费金额, 缴费日期, 参加社保 (是/否).
Every row is checked before anything is written — a valid ID number of a member **in the importing user's
scope** whose name matches the register, a known plan open for enrolment, a year this, last or next year, an
amount in yuan, a paid date not in the future, 是/否, no member twice in a plan and year (in the file or
already enrolled) — and one bad row refuses the whole file with an error report (行号, 列, 值, 问题).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from unionserve import pii
from unionserve.members import public as members

from .medical import CHUNK, _amount, _date
from .models import Enrolment, Plan
from .tables import FileRefused, header_map, read_rows

COLUMNS = (("id_number", "身份证号"), ("name", "姓名"), ("plan", "计划"), ("year", "年度"),
           ("contribution", "缴费金额"), ("paid_on", "缴费日期"), ("social", "参加社保"))
YES = {"是", "y", "yes", "1", "true"}
NO = {"否", "n", "no", "0", "false", ""}
#: One unit's list: a large company has tens of thousands of members.
MAX_ROWS = 200_000


def read_enrolments(path: str, name: str, *, user) -> tuple[list[dict], list[list], int]:
    """The enrolments to write (dicts of Enrolment fields) and the errors ([row, column, value, message])."""
    rows = read_rows(path, name)
    try:
        _n, header = next(rows)
    except StopIteration:
        raise FileRefused(_("The file is empty.")) from None
    cols = header_map(header, COLUMNS)
    titles = dict(COLUMNS)
    width = max(cols.values()) + 1
    plans = {p.code: p for p in Plan.objects.filter(active=True)}
    plans.update({p.name: p for p in list(plans.values())})
    today = timezone.localdate()
    years = {today.year - 1, today.year, today.year + 1}
    parsed: list[tuple[int, str, dict]] = []
    errors: list[list] = []
    count = 0
    for number, cells in rows:
        if not any(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise FileRefused(_("A list has at most %(n)d rows.") % {"n": MAX_ROWS})
        cells = cells + [""] * (width - len(cells))
        problems: list[list] = []

        def bad(col: str, message: str, cells=cells, problems=problems, number=number) -> None:
            problems.append([number, str(titles[col]), cells[cols[col]][:60], message])

        try:
            info = pii.parse_id_number(cells[cols["id_number"]])
        except pii.InvalidValue as exc:
            bad("id_number", str(exc))
            info = None
        plan = plans.get(cells[cols["plan"]])
        if plan is None:
            bad("plan", _("Not a plan open for enrolment (write its code or its name)."))
        year = int(cells[cols["year"]]) if cells[cols["year"]].isdigit() else None
        if year not in years:
            bad("year", _("The plan year is last, this or next year."))
        amount = _amount(cells[cols["contribution"]])
        if amount is None:
            bad("contribution", _("Not an amount in yuan above zero with at most two decimals."))
        paid_raw = cells[cols["paid_on"]]
        paid = _date(paid_raw) if paid_raw else None
        if paid_raw and (paid is None or paid > today):
            bad("paid_on", _("Not a date (YYYY-MM-DD) on or before today."))
        social = cells[cols["social"]].lower()
        if social not in YES | NO:
            bad("social", _("Write 是 or 否."))
        if problems or info is None or plan is None:
            errors.extend(problems)
            continue
        parsed.append((number, pii.lookup_hash(info.number), {
            "name": cells[cols["name"]], "plan": plan, "year": year, "contribution": amount, "paid_on": paid,
            "in_social_insurance": social in YES, "raw_id": cells[cols["id_number"]][:60]}))
    found = _members_in_scope([h for _n, h, _r in parsed], user)
    existing = _existing({pk for pk, _name in found.values()}, {r["year"] for _n, _h, r in parsed})
    seen: set[tuple[int, int, int]] = set()
    out = []
    for number, id_hash, row in parsed:
        member = found.get(id_hash)
        if member is None:
            errors.append([number, "身份证号", row["raw_id"], _("No member with this ID number in your units.")])
            continue
        if row["name"] and row["name"] != member[1]:
            errors.append([number, "姓名", row["name"][:60],
                           _("The register has another name for this ID number.")])
            continue
        key = (member[0], row["plan"].pk, row["year"])
        if key in existing:
            errors.append([number, "计划", row["plan"].code, _("Already enrolled in this plan for this year.")])
            continue
        if key in seen:
            errors.append([number, "计划", row["plan"].code, _("The same member and plan twice in this file.")])
            continue
        seen.add(key)
        out.append({"member_id": member[0], "plan": row["plan"], "year": row["year"],
                    "contribution": row["contribution"], "paid_on": row["paid_on"],
                    "in_social_insurance": row["in_social_insurance"]})
    errors.sort(key=lambda e: e[0])
    return out, errors, count


def _members_in_scope(hashes: list[str], user) -> dict[str, tuple[int, str]]:
    base = members.members_in_scope(user)
    unique = sorted(set(hashes))
    out: dict[str, tuple[int, str]] = {}
    for start in range(0, len(unique), CHUNK):
        for pk, id_hash, name in base.filter(id_hash__in=unique[start:start + CHUNK]).values_list(
                "pk", "id_hash", "name"):
            out[id_hash] = (pk, name)
    return out


def _existing(member_ids: set[int], years: set[int]) -> set[tuple[int, int, int]]:
    ids = sorted(member_ids)
    out: set[tuple[int, int, int]] = set()
    for start in range(0, len(ids), CHUNK):
        out.update(Enrolment.objects.filter(member_id__in=ids[start:start + CHUNK], year__in=list(years))
                   .values_list("member_id", "plan_id", "year"))
    return out


def contribution_default(plan: Plan, day: dt.date) -> Decimal:
    """The contribution the office set for the plan, in force on `day` (a page's suggested amount)."""
    from unionserve import policy

    from .policies import CONTRIBUTION

    key = CONTRIBUTION.get(plan.code)
    return policy.value(key, on=day).value if key else Decimal(0)
