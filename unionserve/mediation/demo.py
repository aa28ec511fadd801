"""Demo mediation: mediators at the city, two district centers and a station, and cases on both paths in
various states, so the mediation pages, the mediators' inboxes and the documents show something real."""

from __future__ import annotations

from django.db import transaction

from unionserve.accounts.models import User
from unionserve.orgs.models import OrgUnit
from unionserve.workflow import actions

from . import actions as mediation_actions
from .intake import open_mediation
from .models import MediationCase, Mediator

# (unit code, name, user name or "", specialties, max load)
DEMO_MEDIATORS = [
    ("110000", "周律（市调解中心）", "", ["collective", "dismissal"], 6),
    ("110101", "吴芳", "mediator", ["wages", "hours"], 8),
    ("110101", "孙强", "mediator2", ["injury", "social_insurance"], 8),
    ("110101", "郭明（特邀律师）", "", ["contract", "dismissal"], 4),
    ("110108", "林娜", "", ["wages", "contract"], 8),
    ("110108", "高远", "", ["injury"], 8),
    ("110101001", "杨帆", "station", ["wages"], 5),
]


def _user(name: str) -> User | None:
    return User.objects.filter(username=name).first() if name else None


def seed_demo_mediators() -> int:
    """The mediator registry (existing entries are left as they are)."""
    made = 0
    for code, name, username, specialties, max_load in DEMO_MEDIATORS:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None or Mediator.objects.filter(unit=unit, name=name).exists():
            continue
        user = _user(username)
        if user is not None and (user.org_unit_id != unit.pk or Mediator.objects.filter(user=user).exists()):
            user = None
        Mediator.objects.create(unit=unit, name=name, user=user, specialties=specialties, max_load=max_load)
        made += 1
    return made


def _do(case, username, action, **data):
    case.refresh_from_db()
    return actions.perform(case, action, actor=User.objects.get(username=username), data=data,
                           version=case.version)


def _appoint(case, username, mediator_name):
    case.refresh_from_db()
    mediator = Mediator.objects.get(name=mediator_name)
    mediation_actions.appoint_mediator(case, mediator, acting_user=User.objects.get(username=username),
                                       version=case.version)


def _open(username, **data):
    base = {"dispute_type": "wages", "summary": "", "workers": "", "employer_name": "", "claims": ""}
    return open_mediation(User.objects.get(username=username), data={**base, **data}, channel="window")


@transaction.atomic
def seed_demo_mediation() -> int:
    """Mediators and a handful of cases on both paths (cases only when there are none yet)."""
    made = seed_demo_mediators()
    needed = ("cityoffice", "dongcheng", "station", "mediator", "mediator2")
    if MediationCase.objects.exists() or User.objects.filter(username__in=needed).count() < len(needed):
        return made

    # Down: received at the city today, waiting for the same-day acceptance decision.
    _open("cityoffice", summary="公司以经营困难为由拖欠2个月工资。", workers="刘建国",
          employer_name="北京宏达建筑工程有限公司", claims="支付拖欠工资, 16000")

    # Down: dispatched to 东城区, 吴芳 appointed, plan due within 7 days.
    case = _open("cityoffice", summary="未签订书面劳动合同，要求支付双倍工资。", workers="陈静",
                 dispute_type="contract", employer_name="北京东华餐饮管理有限公司",
                 claims="支付未签劳动合同二倍工资差额, 24000")
    _do(case, "cityoffice", "accept_dispatch", units="110101")
    _appoint(case, "dongcheng", "吴芳")

    # Down: plan given, being mediated by 孙强 (15 days from the dispatch).
    case = _open("cityoffice", summary="工伤认定后公司拒绝支付停工留薪期工资。", workers="王海",
                 dispute_type="injury", employer_name="北京京华物流有限公司",
                 claims="支付停工留薪期工资, 21000\n支付一次性伤残就业补助金, 38000")
    _do(case, "cityoffice", "accept_dispatch", units="110101")
    _appoint(case, "dongcheng", "孙强")
    _do(case, "mediator2", "submit_plan", plan="1. 调取工伤认定书和工资流水；2. 分别约谈双方；3. 组织面对面调解。")

    # Down: agreement reached and reported; waiting for the city's review and archive.
    case = _open("cityoffice", summary="加班费未足额支付。", workers="赵磊\n孙悦", dispute_type="hours",
                 employer_name="北京新视界科技有限公司", claims="支付加班费, 9000")
    _do(case, "cityoffice", "accept_dispatch", units="110101")
    _appoint(case, "dongcheng", "吴芳")
    _do(case, "mediator", "submit_plan", plan="核对考勤记录，组织双方调解。")
    _do(case, "mediator", "agree_report", agreement_terms="公司于本月底前一次性支付加班费8000元。",
        amount_recovered="8000", performance="银行转账至工资卡")

    # Up: the station mediates a wage dispute and reaches an agreement.
    case = _open("station", summary="离职后最后一个月工资未结清。", workers="李娟",
                 employer_name="东华门百货商店", claims="支付工资, 5200")
    _do(case, "station", "mediate_here")
    _appoint(case, "station", "杨帆")
    _do(case, "station", "agree", agreement_terms="商店于三日内结清工资5200元。", amount_recovered="5200")

    # Up: a collective dispute reported to 东城区 the same day; its acceptance decision is due within 3 days.
    case = _open("station", summary="装修公司拖欠十余名工人工资，工人情绪激动。", dispute_type="collective",
                 workers="张力\n王刚\n李强\n赵勇", employer_name="北京恒远装饰工程有限公司",
                 claims="支付拖欠工资, 86000")
    _do(case, "station", "report_up", reason="集体争议，人数多，需区中心组织调解。")

    # Up: accepted by 东城区 and mediated there, then ended without agreement (调解终结书).
    case = _open("station", summary="公司单方解除劳动合同，未支付经济补偿。", dispute_type="dismissal",
                 workers="周敏", employer_name="北京景山文化传播有限公司", claims="支付经济补偿金, 30000")
    _do(case, "station", "report_up", reason="涉及解除合法性认定，较复杂。")
    _do(case, "dongcheng", "decide_accept")
    _appoint(case, "dongcheng", "郭明（特邀律师）")
    _do(case, "dongcheng", "terminate", reason="双方对解除是否合法分歧较大，经两次调解未能达成一致。")
    return made + 7
