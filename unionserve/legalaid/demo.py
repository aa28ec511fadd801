"""Demo legal aid: contracted firms with lawyers (two with a login) and cases on both paths in several states."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc as stdnum_uscc

from unionserve.accounts.models import User
from unionserve.orgs.models import OrgUnit
from unionserve.workflow import actions as engine

from . import actions
from .models import Contract, Engagement, LawFirm, Lawyer, LegalAidCase, Result, Side
from .rules import CRITERIA

# (name, 17 characters of the credit code, contracting unit, capacity, lawyers: (name, licence, demo login))
FIRMS = [
    ("北京市京工律师事务所", "91110000MA0000001", "110000", 20,
     [("郑伟", "11101201010000001", "lawyer"), ("钱丽", "11101201110000002", "")]),
    ("北京市东华律师事务所", "91110101MA0000002", "110101", 6,
     [("冯磊", "11101201210000003", "lawyer2"), ("许敏", "11101201310000004", "")]),
    ("北京市海淀维权律师事务所", "91110108MA0000003", "110108", 6, [("韩冰", "11101201410000005", "")]),
    ("北京市交通法律服务所", "91110000MA0000004", "IND05C01", 4, [("曹阳", "11101201510000006", "")]),
]

APPLICATIONS = [
    # (applicant, employer, dispute, matter, amount)
    ("张建国", "北京宏远建筑工程有限公司", "wages", "追索2026年7月至9月拖欠工资", "27000"),
    ("李秀英", "北京美佳餐饮管理有限公司", "dismissal", "违法解除劳动合同赔偿金", "36000"),
    ("王海涛", "北京速达物流有限公司", "injury", "工伤认定后一次性伤残补助金", "58000"),
    ("赵丽娟", "北京新天地商贸有限公司", "contract", "未签书面劳动合同二倍工资差额", "22000"),
    ("孙志刚", "北京宏远建筑工程有限公司", "hours", "加班费及未休年休假工资", "15000"),
    ("周明", "北京恒信保安服务有限公司", "social_insurance", "补缴社会保险费及赔偿损失", "18000"),
    ("吴桂兰", "北京美佳餐饮管理有限公司", "wages", "追索拖欠工资及经济补偿", "12000"),
    ("郑春燕", "北京速达物流有限公司", "dismissal", "怀孕期间被辞退，要求恢复劳动关系", ""),
    ("刘振华", "北京恒信保安服务有限公司", "wages", "追索最低工资差额", "9000"),
    ("陈淑芬", "北京华夏纺织集团有限公司", "dismissal", "集体解除劳动合同经济补偿（百余名职工）", "860000"),
]


def _uscc(first17: str) -> str:
    return first17 + stdnum_uscc.calc_check_digit(first17)


def _firms() -> dict[str, Contract]:
    today = timezone.localdate()
    contracts = {}
    for name, code17, unit_code, capacity, lawyers in FIRMS:
        firm, _created = LawFirm.objects.get_or_create(name=name, defaults={"uscc": _uscc(code17)})
        unit = OrgUnit.objects.filter(code=unit_code).first()
        if unit is None:
            continue
        contract = Contract.objects.filter(firm=firm, unit=unit).first() or Contract.objects.create(
            firm=firm, unit=unit, start=dt.date(today.year, 1, 1), end=dt.date(today.year + 1, 12, 31),
            capacity=capacity, scope="劳动争议仲裁、诉讼代理，法律咨询")
        contracts[name] = contract
        for lname, licence, login in lawyers:
            user = User.objects.filter(username=login).first() if login else None
            Lawyer.objects.get_or_create(licence_number=licence, defaults={"firm": firm, "name": lname, "user": user})
    firm = LawFirm.objects.get(name="北京市海淀维权律师事务所")
    Engagement.objects.get_or_create(firm=firm, party_name="北京速达物流有限公司",
                                     defaults={"side": Side.FOR, "note": "常年法律顾问（2025年起）"})
    return contracts


def _apply(user, i: int) -> LegalAidCase:
    name, employer, dispute, matter, amount = APPLICATIONS[i % len(APPLICATIONS)]
    case = actions.intake(actor=user, data={"applicant_name": name, "employer_name": employer,
                                            "dispute_type": dispute, "matter": matter, "amount_claimed": amount,
                                            "applicant_phone": f"1390000{i:04d}"})
    return LegalAidCase.objects.get(case=case)


def _screen(aid: LegalAidCase, user, result=Result.MET, note: str = "") -> None:
    actions.save_screen(aid, actor=user, results={c.code: (result, note) for c in CRITERIA})


def _do(aid: LegalAidCase, user, action: str, **data):
    return engine.perform(type(aid.case).objects.get(pk=aid.case_id), action, actor=user, data=data)


@transaction.atomic
def seed_demo_legal_aid() -> int:
    """Firms, contracts, lawyers and ten cases (skipped when any legal-aid case exists); returns cases made."""
    users = {u.username: u for u in User.objects.filter(
        username__in=["cityoffice", "dongcheng", "station", "lawyer", "lawyer2"]).select_related("org_unit")}
    if len(users) < 5 or LegalAidCase.objects.exists():
        return 0
    contracts = _firms()
    city, dc, station, lawyer2 = users["cityoffice"], users["dongcheng"], users["station"], users["lawyer2"]
    dc_firm = contracts["北京市东华律师事务所"]
    city_firm = contracts["北京市京工律师事务所"]
    lawyer_dc = Lawyer.objects.get(user=lawyer2)
    made = []

    # Down (applied at the city).
    a = _apply(city, 0)  # waiting for the level-1 review, screen partly done
    actions.save_screen(a, actor=city, results={"member_or_worker": (Result.MET, "京卡会员"),
                                                "labor_matter": (Result.MET, "")})
    made.append(a)
    b = _apply(city, 1)  # accepted and dispatched to 东城区: a firm to assign
    _screen(b, city)
    _do(b, city, "accept", units="110101")
    made.append(b)
    c = _apply(city, 2)  # with the Dongcheng lawyer (lawyer2's inbox)
    _screen(c, city)
    _do(c, city, "accept", units="110101")
    actions.assign(c.case, actor=dc, contract=dc_firm.pk, lawyer=lawyer_dc.pk)
    made.append(c)
    d = _apply(city, 3)  # refused: out of time
    actions.save_screen(d, actor=city, results={"limitation": (Result.NOT_MET, "离职已逾一年，超过仲裁时效")})
    _do(d, city, "refuse", refusal_reasons="申请事项已超过劳动争议仲裁时效（一年）")
    made.append(d)
    e = _apply(city, 4)  # the whole way: reported, collected, archived
    _screen(e, city)
    _do(e, city, "accept", units="110101")
    actions.assign(e.case, actor=dc, contract=dc_firm.pk, lawyer=lawyer_dc.pk,
                   conflict_reason="与本所另一案件同为该用人单位职工，诉求一致，无利益冲突")
    _do(e, lawyer2, "report_file", result="won", result_summary="仲裁裁决支持加班费12000元", amount_recovered="12000")
    _do(e, dc, "report_up")
    _do(e, city, "archive")
    made.append(e)

    # Up (received at 东华门街道 station).
    f = _apply(station, 5)  # to forward within 2 days
    made.append(f)
    g = _apply(station, 6)  # forwarded: 东城区 reviews within 3 days
    _do(g, station, "forward")
    made.append(g)
    h = _apply(station, 7)  # major case sent to level 1
    _do(h, station, "forward")
    _do(h, dc, "refer", why="涉及孕期女职工权益，拟提起诉讼，案情复杂")
    made.append(h)
    i = _apply(station, 8)  # accepted at level 2, with the city firm, reported to level 1
    _do(i, station, "forward")
    _screen(i, dc)
    _do(i, dc, "accept")
    actions.assign(i.case, actor=dc, contract=city_firm.pk,
                   conflict_reason="与本所另一案件同为该用人单位职工，诉求一致，无利益冲突")
    _do(i, dc, "report_file", result="settled", result_summary="仲裁庭主持调解，用人单位补发差额9000元",
        amount_recovered="9000")
    made.append(i)
    j = _apply(station, 9)  # a major case accepted at level 1, with the city's lawyer (`lawyer`'s inbox)
    _do(j, station, "forward")
    _do(j, dc, "refer", why="百余名职工集体争议，案情重大")
    _screen(j, city)
    _do(j, city, "accept")
    actions.assign(j.case, actor=city, contract=city_firm.pk, lawyer=Lawyer.objects.get(user=users["lawyer"]).pk)
    made.append(j)
    return len(made)
