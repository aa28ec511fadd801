"""Demo data of mutual aid (plans, enrolment, the medical batch): idempotent, run after the other apps' demos.

- the eight plans; every demo member of station 东华门 and 景山 and of a few 海淀 unions gets a valid Jingka card
  (where the cards demo gave none) and this year's medical enrolment (some not in social insurance, some also
  in the accident plan), through one unit's Excel list per grassroots union (and one refused list, to show the
  error report);
- the day's card export;
- the first quarter's expense file (a few hundred lines with every kind of line: payable, under the deductible,
  near and over the cap, outliers, an unknown ID number, no card, not enrolled, not in social insurance, the
  same line twice), reviewed twice (by 互助保险 孙丽 then 市三级办 王敏) and approved, most payments paid;
- the second quarter's file, with a line already paid in the first, waiting for its first review.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import random
import tempfile
from decimal import Decimal

from django.utils import timezone

from unionserve import pii
from unionserve.accounts.models import User
from unionserve.cards import public as cards
from unionserve.members import public as members
from unionserve.orgs.models import OrgUnit
from unionserve.payouts import public as payouts

from . import actions, medical
from .catalog import MEDICAL
from .models import ExpenseBatch, FileImport, LineState
from .setup import setup

SEED = 16
HOSPITALS = ["北京协和医院", "北京医院", "北京大学人民医院", "首都医科大学宣武医院", "北京朝阳医院", "海淀医院"]
STATIONS = ("110101001", "110101002", "110108012")


def _write(suffix: str, data: bytes) -> str:
    handle, path = tempfile.mkstemp(prefix="unionserve-demo-mutualaid-", suffix=suffix)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    return path


def _xlsx(header: list[str], rows: list[list]) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"strings_to_numbers": False})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, header)
    for i, row in enumerate(rows, start=1):
        ws.write_row(i, 0, [str(v) for v in row])
    wb.close()
    return out.getvalue()


def _csv(rows: list[list]) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title for _key, title in medical.COLUMNS])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _demo_members() -> list:
    qs = members.Member.objects.filter(status=members.MemberStatus.ACTIVE).select_related("grassroots")
    out = []
    for code in STATIONS:
        station = OrgUnit.objects.filter(code=code).first()
        if station is not None and station.region_path:
            out += list(qs.filter(grassroots__region_path__startswith=station.region_path).order_by("pk")[:60])
    return out


def _cards(people, today: dt.date) -> int:
    made = 0
    for i, m in enumerate(people):
        if cards.valid_card(m.pk, on=dt.date(today.year, 1, 1)) is not None:
            continue
        # Numbers of their own range (the cards demo uses the synthetic BIN 621999).
        cards.Card.objects.create(member=m, number=f"6217990{m.pk:012d}", status=cards.CardStatus.ISSUED,
                                  applied_at_unit=m.grassroots,
                                  valid_from=dt.date(today.year - 1, 6, 1) if i % 25 else dt.date(today.year, 3, 15))
        made += 1
    return made


def _enrol(people, year: int, today: dt.date) -> int:
    header = ["身份证号", "姓名", "计划", "年度", "缴费金额", "缴费日期", "参加社保"]
    by_unit: dict[int, list] = {}
    for m in people:
        by_unit.setdefault(m.grassroots_id, []).append(m)
    written = 0
    for unit_id, group in sorted(by_unit.items()):
        unit = OrgUnit.objects.get(pk=unit_id)
        user = User.objects.filter(org_unit=unit.region_parent, is_active=True).first() or User.objects.get(
            username="insurance")
        rows = []
        for i, m in enumerate(group):
            if i % 17 == 5:
                continue  # not enrolled: its lines are rejected
            number = pii.decrypt_unchecked(m.id_encrypted)
            rows.append([number, m.name, "medical", year, "80.00", dt.date(year, 1, 10), "否" if i % 13 == 3 else "是"])
            if i % 3 == 0:
                rows.append([number, m.name, "accident_fire", year, "10.00", dt.date(year, 1, 10), "是"])
        path = _write(".xlsx", _xlsx(header, rows))
        try:
            imp = actions.import_enrolments(path=path, name=f"{unit.name}{year}年参保名单.xlsx", unit=unit,
                                            acting_user=user)
        finally:
            os.unlink(path)
        written += imp.created
    # One refused list: a typo and a member twice, to show the error report.
    first = people[0]
    number = pii.decrypt_unchecked(first.id_encrypted)
    bad = [[number[:-1] + ("0" if number[-1] != "0" else "1"), first.name, "medical", year, "80", "", "是"],
           [number, first.name, "医疗", year, "八十", "", "是"]]
    path = _write(".xlsx", _xlsx(header, bad))
    try:
        actions.import_enrolments(path=path, name="参保名单（有误）.xlsx", unit=first.grassroots,
                                  acting_user=User.objects.get(username="insurance"))
    finally:
        os.unlink(path)
    return written


def _unknown_id(rng: random.Random) -> str:
    while True:
        birth = f"{rng.randrange(1965, 2000)}0{rng.randrange(1, 10)}1{rng.randrange(1, 10)}"
        body = f"110105{birth}{rng.randrange(100, 999)}"
        number = body + pii.id_check_char(body)
        if not members.Member.objects.filter(id_hash=pii.lookup_hash(number)).exists():
            return number


def _lines(people, year: int, quarter: int, rng: random.Random, count: int) -> list[list]:
    first, last = medical.quarter_bounds(year, quarter)
    span = (last - first).days
    rows = []
    for n in range(count):
        m = people[rng.randrange(len(people))]
        inpatient = rng.random() < 0.2
        start = first + dt.timedelta(days=rng.randrange(span))
        end = min(start + dt.timedelta(days=rng.randrange(2, 15)), last) if inpatient else start
        amount = rng.lognormvariate(8.5 if inpatient else 5.3, 0.9)
        if n % 97 == 13:
            amount = 180000 + rng.randrange(1000)  # a stay big enough to reach the cap
        rows.append([pii.decrypt_unchecked(m.id_encrypted), m.name, HOSPITALS[rng.randrange(len(HOSPITALS))],
                     "住院" if inpatient else "门诊", start.isoformat(), end.isoformat(), f"{amount:.2f}"])
    return rows


def _import(rows, year: int, quarter: int, user) -> ExpenseBatch:
    path = _write(".csv", _csv(rows))
    try:
        return actions.import_expenses(path=path, name=f"社保中心{year}年第{quarter}季度医疗费用.csv", year=year,
                                       quarter=quarter, office=user.org_unit, acting_user=user)
    finally:
        os.unlink(path)


def _review_and_pay(batch: ExpenseBatch, first, second, rng: random.Random) -> int:
    for i, line in enumerate(batch.expense_lines.filter(state=LineState.FLAGGED).order_by("row")):
        if i % 9 == 4:
            actions.refuse_line(line, acting_user=first, note="发票与社保结算单不符")
        else:
            actions.clear_line(line, acting_user=first, note="已核对社保结算单")
    actions.finish_first_review(batch, acting_user=first)
    actions.approve_batch(batch, acting_user=second)
    # Paid as the office pays them: a payout batch, the bank's file, the bank's answer (a few accounts frozen).
    report = payouts.build_batch(purpose="mutualaid.medical", acting_user=first)
    if report.batch is None:
        return 0
    payouts.write_payout_file(report.batch, acting_user=first)
    lines = list(payouts.BatchLine.objects.filter(batch=report.batch).order_by("seq"))
    failed = {ln.reference for ln in lines if rng.random() < 0.03}
    rows = [f"{ln.reference},{ln.amount:.2f},{'FAILED' if ln.reference in failed else 'PAID'},"
            f"{'账户已冻结' if ln.reference in failed else ''}" for ln in lines]
    total = sum((ln.amount for ln in lines), Decimal("0.00"))
    result = "\n".join([*rows, f"TRAILER,{len(rows)},{total:.2f}"]) + "\n"
    payouts.apply_result(report.batch, result.encode("utf-8"), acting_user=first, filename="bank-result-q1.csv")
    return len(rows) - len(failed)


def seed_demo() -> str:
    """Seed the demo rows (idempotent); returns a line saying what was added."""
    setup()
    from .claims_demo import seed_demo_claims

    if ExpenseBatch.objects.exists() or FileImport.objects.exists():
        return f"mutual aid: medical batch already there; claims: {seed_demo_claims()}"
    today = timezone.localdate()
    year = today.year
    people = _demo_members()
    office = User.objects.filter(username="insurance").first()
    second = User.objects.filter(username="cityoffice").first()
    if not people or office is None or second is None:
        return "mutual aid: no demo members or accounts"
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data
    made_cards = _cards(people, today)
    enrolled = _enrol(people, year, today)
    actions.export_cards(day=today, acting_user=office)
    q1 = _lines(people, year, 1, rng, 260)
    q1.append(list(q1[3]))  # the same line twice in the file
    q1.append([_unknown_id(rng), "查无此人", HOSPITALS[0], "门诊", f"{year}-02-03", f"{year}-02-03", "320.00"])
    q1.append([q1[0][0], q1[0][1], HOSPITALS[1], "门诊", f"{year}-01-20", f"{year}-01-20", "38000.00"])  # outlier
    batch1 = _import(q1, year, 1, office)
    paid = _review_and_pay(batch1, office, second, rng)
    q2 = _lines(people, year, 2, rng, 120)
    q2.append(list(q1[10]))  # already paid in the first quarter
    # A refused file first (a wrong visit type and a date after the quarter), then the corrected one.
    broken = [list(r) for r in q2[:3]] + [[q2[0][0], q2[0][1], HOSPITALS[0], "急诊", f"{year}-07-02",
                                           f"{year}-07-02", "100"]]
    with contextlib.suppress(medical.BatchRefused):
        _import(broken, year, 2, office)
    batch2 = _import(q2, year, 2, office)
    return (f"mutual aid: {made_cards} cards, {enrolled} enrolments, Q1 {batch1.lines} lines "
            f"({batch1.rejected} rejected, {paid} paid, payouts {batch1.total_payout}), Q2 {batch2.lines} lines in "
            f"first review; plan {MEDICAL}; claims: {seed_demo_claims()}")

