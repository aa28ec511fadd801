"""Demo assistance: the warm fund with income, hardship files in every state, one program per season (two paid,
two still nominating), emergency aid and skills-boost applications — all through the app's own actions and the
engine, as the demo accounts `station` (东华门站), `dongcheng` (东城区中心) and `cityoffice` would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from unionserve.accounts.models import User
from unionserve.members.public import Member, MemberStatus
from unionserve.orgs.models import OrgUnit
from unionserve.workflow import actions as engine

from . import actions
from .models import Fund, HardshipFile, Nomination, NominationStatus, ProgramKind

STORIES = [
    ("special", "illness", "丈夫患尿毒症长期透析，家庭医疗支出大，孩子读初中。"),
    ("hardship", "single_parent", "离异独自抚养两个孩子，收入仅够基本生活。"),
    ("hardship", "disability", "本人因工致残后转岗，收入下降，母亲年迈多病。"),
    ("relative", "disaster", "家中房屋遭暴雨损毁，正在修缮。"),
    ("hardship", "unemployment", "配偶失业一年，孩子读高中，房贷压力大。"),
    ("special", "illness", "本人确诊恶性肿瘤，正在化疗。"),
    ("relative", "schooling", "两个孩子同时上大学，学费生活费负担重。"),
]

PROGRAMS = [
    (ProgramKind.SPRING, "两节送温暖", "800",
     "【北京市总工会】两节送温暖慰问金{amount}元已发放至您的京卡，祝节日快乐！"),
    (ProgramKind.WOMEN, "三八助单亲", "500", "【北京市总工会】三八助单亲慰问金{amount}元已发放至您的京卡。"),
    (ProgramKind.LABOUR, "五一关爱劳模", "1000", "【北京市总工会】五一关爱劳模慰问金{amount}元已发放至您的京卡。"),
    (ProgramKind.SCHOOL, "九月金秋助学", "2000", "【北京市总工会】金秋助学金{amount}元已发放至您的京卡。"),
]


def _household(member: Member, children: int) -> list[dict]:
    people = [{"name": member.name, "relation": "本人", "age": 42, "income": "2600"}]
    people.append({"name": member.name[0] + "伟", "relation": "配偶", "age": 44, "income": "1800"})
    for i in range(children):
        people.append({"name": member.name[0] + "小" + "明亮"[i % 2], "relation": "子女", "age": 10 + 4 * i,
                       "in_school": True})
    return people


def _through(file_or_aid, users: dict, upto: str, data: dict | None = None):
    """Move a demo case along: submit (station), recommend (district), then the city's action `upto`."""
    case = file_or_aid.case
    steps = [("submit", users["station"], {}), ("recommend", users["dongcheng"], {"opinion": "经入户核实，情况属实。"})]
    if upto not in ("submit", "recommend"):
        steps.append((upto, users["cityoffice"], data or {}))
    for code, actor, payload in steps:
        case = engine.perform(case, code, actor=actor, data=payload, version=case.version)
        if code == upto:
            break
    return case


def seed_demo() -> str:
    """Seed the demo rows (idempotent); returns a line saying what was added."""
    if Fund.objects.exists():
        return "already seeded"
    names = ["station", "dongcheng", "cityoffice", "station2"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    city = OrgUnit.objects.filter(code="110000").first()
    station = OrgUnit.objects.filter(code="110101001").first()
    if city is None or station is None or not station.region_path or not {"station", "dongcheng",
                                                                          "cityoffice"} <= set(users):
        return "skipped (no demo org tree or accounts)"
    local = list(Member.objects.filter(grassroots__region_path__startswith=station.region_path,
                                       status=MemberStatus.ACTIVE).order_by("pk")[:40])
    if len(local) < 20:
        return "skipped (too few demo members at 东华门站)"
    today = timezone.localdate()
    with transaction.atomic():
        fund = Fund.objects.create(name="北京市温暖基金", unit=city)
        for amount, memo in (("500000", "市总工会年度拨款"), ("120000", "社会捐赠（北京市慈善协会转入）"),
                             ("35000", "职工互助互济捐款")):
            actions.add_income(fund, amount=Decimal(amount), memo=memo, acting_user=users["cityoffice"])

        # Hardship files at 东华门站: every state of the process and of the file.
        files = []
        for i, (level, cause, story) in enumerate(STORIES):
            member = local[i]
            files.append(actions.apply_hardship(
                member=member, level=level, cause=cause, household=_household(member, 2 if i % 2 == 0 else 1),
                monthly_income=Decimal("4400"), monthly_spending=Decimal("6900"), story=story,
                applied_on=today - dt.timedelta(days=20 - i), acting_user=users["station"]))
        for file in files[:4]:
            _through(file, users, "approve")
        _through(files[4], users, "recommend")          # waiting for the city
        _through(files[5], users, "submit")             # waiting for the district
        # files[6] stays at the station (not yet submitted)
        rejected = actions.apply_hardship(
            member=local[7], level="relative", cause="other", household=_household(local[7], 0),
            monthly_income=Decimal("9800"), monthly_spending=Decimal("7000"), story="家庭收入高于困难标准。",
            acting_user=users["station"])
        _through(rejected, users, "reject", {"reasons": "家庭人均收入高于本市困难职工认定标准。"})
        # One file missed its yearly re-check (expired), one ended at the re-check.
        HardshipFile.objects.filter(pk=files[2].pk).update(valid_until=today - dt.timedelta(days=1))
        actions.expire_hardship_files(acting_user=users["cityoffice"])
        files[3].refresh_from_db()
        actions.recheck_hardship(files[3], still_eligible=False, note="房屋已修缮完毕，家庭收入恢复。",
                                 acting_user=users["station"])

        # The register's single mothers and model workers for the March and May programs.
        for member in local[10:14]:
            Member.objects.filter(pk=member.pk).update(single_mother=True)

        # One program per season this year; budgets for every district; the city draws the whole list.
        programs = []
        for kind, title, amount, sms in PROGRAMS:
            program = actions.create_program(
                kind=kind, year=today.year, title=f"{today.year}年{title}", amount=Decimal(amount),
                sms_text=sms.format(amount=amount), acting_user=users["cityoffice"],
                budgets={d.pk: Decimal("200000") for d in actions.districts()})
            actions.draw_nominations(program, acting_user=users["cityoffice"])
            programs.append(program)
        # The district reviews its spring list: one taken off, one added by hand.
        first = Nomination.objects.filter(program=programs[0], district__code="110101",
                                          status=NominationStatus.NOMINATED).order_by("pk").first()
        if first is not None:
            actions.remove_nomination(first.pk, reason="本人已调离本市，不再符合条件。", acting_user=users["dongcheng"])
        actions.add_nomination(programs[0], member=local[15], reason="突发重病，家庭临时困难，经社工入户核实。",
                               acting_user=users["dongcheng"])
        needed = sum((p.amount * p.nominations.filter(status=NominationStatus.NOMINATED).count() for p in programs[:2]),
                     Decimal(0))
        if needed > fund.balance:
            actions.add_income(fund, amount=needed - fund.balance + Decimal("50000"), memo="市总工会追加拨款",
                               acting_user=users["cityoffice"])
        paid = 0
        for program in programs[:2]:
            if program.nominations.filter(status=NominationStatus.NOMINATED).exists():
                paid += actions.approve_program(program, acting_user=users["cityoffice"])

        # Emergency aid: one granted and paid from the fund, one waiting at the district.
        aid = actions.apply_emergency(member=local[16], what_happened="家中突发火灾，衣物家具损毁。",
                                      amount_asked=Decimal("4800"), acting_user=users["station"])
        _through(aid, users, "grant", {"amount": "3000"})
        waiting = actions.apply_emergency(member=local[17], what_happened="子女突发重病住院，急需医疗费用。",
                                          amount_asked=Decimal("4000"), acting_user=users["station"])
        _through(waiting, users, "submit")

        # The skills boost: approved, rejected, and waiting.
        tech = actions.apply_skills(member=local[18], basis="technician", certificate_number="GZ1101202500381",
                                    issuer="北京市人力资源和社会保障局", acting_user=users["station"])
        actions.decide_skills(tech.pk, approve=True, acting_user=users["cityoffice"])
        senior = actions.apply_skills(member=local[19], basis="senior", certificate_number="GZ1101202400127",
                                      issuer="北京市人力资源和社会保障局", acting_user=users["station"])
        actions.decide_skills(senior.pk, approve=False, reason="证书编号与人社部门记录不符，请核实后重新申请。",
                              acting_user=users["cityoffice"])
        actions.apply_skills(member=local[19], basis="competition", certificate_number="JS2026-0007",
                             issuer="北京市职工职业技能大赛组委会", place=3, acting_user=users["station"])
    return f"warm fund, {len(files) + 1} hardship files, 4 programs ({paid} paid), 2 emergency aid, 3 skills boosts"
