"""12351 demo: category routing defaults and a few dozen requests in every state, on the demo members and units.

Idempotent: the category defaults are set only where empty; requests are made only when none exists.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.db import transaction
from django.utils import timezone

from unionserve import pii
from unionserve.accounts.models import User
from unionserve.members.public import Member
from unionserve.orgs.models import OrgUnit, UnitKind
from unionserve.workflow import actions as engine
from unionserve.workflow.demo import backdate

from . import actions, services
from .models import Category, Channel, HotlineRequest, Kind

# Category code → default handling department code or level (seed 003: 7 executing departments).
DEFAULTS: dict[str, str | int] = {
    "FLYZ": "D02",  # 法律援助 → 法律工作部
    "LDGX": 3,  # 劳动关系 → the member's station first
    "HZBZ": "D07",  # 互助保障 → 职工互助保险服务中心
    "KNBF": 3,  # 困难帮扶 → the member's station
    "HYK": 3,  # 会员卡 → the station issues cards
    "JYPX": 2,  # 就业培训 → the district center's job service
    "ZCZX": "D03",  # 政策咨询 → 保障工作部
    "TS": 2,
}

CONSULTATIONS = [
    ("ZCZX02", "单位没给我交社保，能补缴吗？",
     "可以。用人单位未依法缴纳社会保险费的，可向社保经办机构投诉，由其责令限期补缴；也可向工会服务站求助。"),
    ("LDGX03", "春节加班工资怎么算？",
     "法定节假日安排工作的，应支付不低于工资300%的加班工资；春节假期中的休息日加班可安排补休，不能补休的支付200%。"),
    ("HYK01", "京卡丢了怎么补办？",
     "请携带身份证到所在工会服务站或基层工会申请补卡，一般10个工作日内制卡完成。"),
    ("SHFW01", "职工疗休养今年什么时候报名？",
     "疗休养由基层工会组织报名，请向单位工会咨询本年度名额和时间安排。"),
    ("JYPX02", "有免费的电工培训吗？",
     "区职工服务中心定期举办免费技能培训，电工培训每季度开班，可拨打区中心电话报名。"),
    ("HZBZ02", "住院了互助保障怎么理赔？",
     "出院后携带病历、费用清单和京卡到基层工会或服务站申请，材料齐全后由互助保险中心审核赔付。"),
    ("ZCZX01", "工会会费怎么交？",
     "会员按本人工资收入的0.5%向所在基层工会缴纳会费，由单位工会统一收缴。"),
    ("KNBF03", "金秋助学申请条件是什么？",
     "建档困难职工家庭当年考入全日制高等院校的子女可申请，具体以当年通知为准，请向基层工会申报。"),
    ("LDGX01", "试用期最长可以约定多久？",
     "劳动合同期限三年以上的，试用期不得超过六个月；一年以上不满三年的不超过二个月。"),
    ("QT", "12351热线是24小时的吗？",
     "是的，12351职工服务热线全天24小时有人值守。"),
]

AFFAIRS = [
    ("LDGX02", "公司拖欠三个月工资，老板不见人，请工会帮忙。"),
    ("LDGX01", "公司要我签自愿放弃社保的协议，不签就辞退。"),
    ("KNBF01", "爱人重病住院，家里困难，想申请困难职工建档。"),
    ("HYK01", "入会半年了还没有拿到京卡。"),
    ("LDGX03", "每天工作12小时没有加班费。"),
    ("KNBF02", "单亲母亲，孩子上学有困难，想申请帮扶。"),
    ("LDGX04", "工伤后单位不给申报工伤认定。"),
    ("HYK02", "京卡的免费公园项目刷不了卡。"),
    ("JYPX01", "刚失业，想找保安类工作。"),
    ("LDGX02", "劳务派遣工资被克扣。"),
    ("KNBF01", "低保边缘家庭，想了解帮扶政策并申请。"),
    ("LDGX01", "单位搬迁到外区，要求我们自行离职。"),
]


def set_category_defaults() -> int:
    """Give the demo categories a default handling department or level where they have none."""
    changed = 0
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=[v for v in DEFAULTS.values() if isinstance(v, str)])}
    for code, target in DEFAULTS.items():
        category = Category.objects.filter(code=code, default_unit__isnull=True, default_level__isnull=True).first()
        if category is None:
            continue
        if isinstance(target, str):
            if target not in units:
                continue
            category.default_unit, category.default_level = units[target], 1
        else:
            category.default_level = target
        category.save(update_fields=["default_unit", "default_level"])
        changed += 1
    return changed


def _phone(member: Member, n: int) -> str:
    # Demo data only: the caller "is" the member, so the request carries the member's own mobile.
    phone = pii.decrypt_unchecked(member.phone_encrypted)
    return phone or f"1391000{n:04d}"


@transaction.atomic
def seed_demo_requests() -> int:
    """A few dozen requests in every state; returns how many were made (0 when some already exist)."""
    set_category_defaults()
    if HotlineRequest.objects.exists():
        return 0
    users = {u.username: u for u in User.objects.filter(
        username__in=["agent", "legaldept", "station", "station2", "dongcheng"]).select_related("org_unit")}
    agent = users.get("agent")
    if agent is None:
        return 0
    cats = {c.code: c for c in Category.objects.all()}
    by_station = [list(Member.objects.filter(grassroots__region_parent__code=code, status="active")
                       .select_related("grassroots__region_parent__region_parent", "grassroots__industry_parent")
                       .order_by("pk")[:20]) for code in ("110101001", "110101002", "110108011")]
    # Alternate three stations in two districts, so the demo shows dispatches across the tree.
    members = [m for pair in itertools.zip_longest(*by_station) for m in pair if m is not None]
    if not members:
        return 0
    pool = itertools.cycle(members)
    made = 0

    def intake(kind: str, code: str, text: str, *, channel: str = Channel.PHONE, member: Member | None = None,
               **extra) -> HotlineRequest:
        nonlocal made
        member = member or next(pool)
        made += 1
        return actions.take_request(services.Intake(
            kind=kind, category=cats[code], description=text, caller_name=member.name,
            caller_phone=_phone(member, made), member=member, channel=channel, **extra), acting_user=agent)

    # Consultations answered on the call and closed (the answer archived).
    for code, question, answer in CONSULTATIONS:
        intake(Kind.CONSULTATION, code, question, answer=answer)
    # Portal submissions waiting for an agent.
    portal = services.portal_actor()
    for i, (code, question) in enumerate([("FLYZ01", "被公司辞退没有补偿，可以申请法律援助吗？"),
                                          ("SHFW02", "工会有组织青年职工联谊活动吗？"),
                                          ("HYK02", "京卡可以在哪些医院使用？")]):
        member = members[-1 - i]
        actions.take_request(services.Intake(
            kind=Kind.CONSULTATION, category=cats[code], description=question, caller_name=member.name,
            caller_phone=_phone(member, 90 + i), channel=Channel.WEB), acting_user=portal)
        made += 1
    # Escalated consultations: one waiting for the legal department, one answered and waiting for the callback.
    intake(Kind.CONSULTATION, "FLYZ02", "劳动仲裁败诉了还能上诉吗？需要什么材料？", refer_to=["D02"])
    answered = intake(Kind.CONSULTATION, "FLYZ01", "外地户籍职工在京能申请法律援助吗？", refer_to=["D02"])
    legal = users.get("legaldept")
    if legal is not None:
        engine.perform(answered.case, "specialist_answer", actor=legal, data={
            "answer": "可以。在京工作的职工因劳动争议申请法律援助不受户籍限制，可到区职工服务中心法律援助站申请。"})

    # Affairs dispatched to the member's station with filing copies to district and industry union.
    station_users = {"110101001": users.get("station"), "110108011": users.get("station2")}
    affairs = []
    for code, text in AFFAIRS:
        member = next(pool)
        routing = services.suggest_routing(cats[code], member, agent)
        station = member.grassroots.region_parent
        assert station is not None  # demo members belong to unions under a station
        units = [u.code for u in routing.units] or [station.code]
        affairs.append(intake(Kind.AFFAIR, code, text, member=member, units=units,
                              filed_units=[u.code for u in routing.filed]))

    def feed_back(request: HotlineRequest, resolved: str = "yes") -> bool:
        step = request.case.steps.filter(is_open=True, state="handling").select_related("unit").first()
        handler = station_users.get(step.unit.code) if step else None
        if step is None or handler is None:
            return False
        case = engine.perform(request.case, "sign", actor=handler, step_id=step.pk)
        engine.perform(case, "feedback", actor=handler, step_id=step.pk, data={
            "result": "已联系职工和用人单位核实情况，协调单位整改，并告知职工后续维权途径。", "resolved": resolved})
        request.case.refresh_from_db()
        return True

    station_affairs = [a for a in affairs if a.case.current_unit and a.case.current_unit.code in station_users]
    # Two fed back, waiting for the platform's callback.
    for request in station_affairs[0:2]:
        feed_back(request)
    # Two closed satisfied, one sent back (unsatisfied) to handling.
    for request in station_affairs[2:4]:
        if feed_back(request):
            engine.perform(request.case, "close", actor=agent, data={"satisfaction": "satisfied",
                                                                      "callback_note": "职工表示问题已解决"})
    if len(station_affairs) > 4 and feed_back(station_affairs[4], resolved="no"):
        handled = station_affairs[4].case.steps.filter(state="handling").first()
        assert handled is not None  # fed back from handling just now
        engine.perform(station_affairs[4].case, "redo", actor=agent, data={
            "units": handled.unit.code,
            "reason": "单位仍未支付工资，职工要求继续协调"})
    # One overdue: dispatched nine working days ago and still open.
    worked = {a.pk for a in station_affairs[:5]}
    overdue = next((a for a in affairs if a.pk not in worked and a.case.state == "handling"), None)
    if overdue is not None:
        past = timezone.now() - dt.timedelta(days=14)
        backdate(overdue.case, opened_at=past, due_at=past + dt.timedelta(days=9), state="handling")
        HotlineRequest.objects.filter(pk=overdue.pk).update(received_at=past)
    # A window request registered at a station.
    if station_users["110101001"] is not None:
        member = members[0]
        actions.take_request(services.Intake(
            kind=Kind.AFFAIR, category=cats["KNBF02"], description="到站求助：孩子学费困难，申请送温暖帮扶。",
            caller_name=member.name, caller_phone=_phone(member, 99), member=member, channel=Channel.WINDOW,
            units=["110101001"]), acting_user=station_users["110101001"])
        made += 1
    return made


__all__ = ["seed_demo_requests", "set_category_defaults", "UnitKind"]
