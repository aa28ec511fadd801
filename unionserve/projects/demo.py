"""Demo data of service projects: merchants, projects in every state of the lifecycle through exit (with plaque
numbers), served visits and ratings of the running ones, and one worker-needs survey with answers."""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc as stdnum_uscc

from unionserve.accounts.models import User
from unionserve.core.units import UnitKind
from unionserve.members.public import Member
from unionserve.orgs.models import OrgUnit
from unionserve.visits.public import VisitKind, record_visit
from unionserve.workflow import actions as engine

from . import actions
from .models import Merchant, Project, Rating, Survey, WorkerGroup

# (name, first 17 characters of the credit code, district code, category, address, contact)
MERCHANTS = [
    ("北京金象大药房东四店", "91110101MA01PJ001", "110101", "health", "东城区东四北大街128号", "王晓梅"),
    ("北京新华书店王府井店", "91110101MA01PJ002", "110101", "education", "东城区王府井大街218号", "李强"),
    ("首都体育馆全民健身中心", "91110108MA01PJ003", "110108", "culture", "海淀区中关村南大街56号", "赵敏"),
    ("北京国旅职工疗休养中心", "91110105MA01PJ004", "110105", "leisure", "朝阳区建国路88号", "陈东"),
    ("京东家政服务有限公司", "91110108MA01PJ005", "110108", "living", "海淀区海淀大街3号", "孙丽华"),
    ("北京同仁堂中医诊所东城店", "91110101MA01PJ006", "110101", "health", "东城区崇文门外大街42号", "周文"),
    ("北京人艺剧场票务中心", "91110101MA01PJ007", "110101", "culture", "东城区王府井大街22号", "吴桐"),
    ("中关村职业技能培训学校", "91110108MA01PJ008", "110108", "education", "海淀区中关村大街1号", "郑凯"),
]

# (name, category, brand, level, run unit code (None: the proposer), merchant index, offer, subsidy, proposer,
#  the state to leave it in)
PROJECTS = [
    ("会员购药九折", "health", "medical", "district", None, 0, "持京卡购买非处方药品九折", "20000", "dongcheng",
     "inspection"),
    ("会员购书八五折", "education", "skills", "district", None, 1, "持京卡购书八五折，每月一次", "", "dongcheng",
     "review"),
    ("职工健身年卡优惠", "culture", "health", "city", None, 2, "健身年卡会员价1200元（原价2000元）", "150000",
     "legaldept", "revision"),
    ("职工疗休养线路", "leisure", "culture", "city", None, 3, "五条京郊疗休养线路，会员立减300元", "300000",
     "legaldept", "agreement"),
    ("家政服务会员价", "living", "hardship", "district", None, 4, "家政保洁每小时优惠10元", "", "dongcheng",
     "plaque"),
    ("中医康复理疗", "health", "rehab", "station", "110101001", 5, "中医理疗首次免费，之后八折", "50000",
     "dongcheng", "publication"),
    ("十元看话剧", "culture", "culture", "district", None, 6, "每月两场话剧，会员十元一张", "80000", "dongcheng",
     "published"),
    ("职工技能提升培训", "education", "skills", "city", None, 7, "电工、焊工等级培训会员免学费", "400000",
     "legaldept", "running"),
    ("会员免挂号费就医", "health", "rehab", "district", None, 5, "中医门诊会员免挂号费", "60000", "dongcheng",
     "running"),
    ("周末亲子木偶剧", "culture", "maternal", "district", None, 6, "周末亲子木偶剧会员五折", "30000", "dongcheng",
     "evaluation"),
    ("职工心理咨询", "health", "mind", "station", "110101001", 5, "每人每年三次免费心理咨询", "45000", "dongcheng",
     "renewal"),
    ("公园年票优惠", "leisure", "health", "city", None, 3, "公园年票会员价60元", "200000", "legaldept",
     "renewed"),
    ("会员理发优惠", "living", "hardship", "district", None, 4, "理发会员价15元", "10000", "dongcheng", "exited"),
]

#: The demo inspections took place a few days before the submission.
INSPECTED_DAYS_AGO = 3

ORDER = ["inspection", "review", "revision", "agreement", "plaque", "publication", "published", "running",
         "evaluation", "renewal", "renewed", "exited"]


def _uscc(first17: str) -> str:
    return first17 + stdnum_uscc.calc_check_digit(first17)


def _merchants() -> dict[int, Merchant]:
    out = {}
    for i, (name, code17, district_code, category, address, contact) in enumerate(MERCHANTS):
        district = OrgUnit.objects.filter(code=district_code).first()
        if district is None:
            continue
        merchant = Merchant.objects.filter(name=name).first() or Merchant.objects.create(
            name=name, uscc=_uscc(code17), address=address, district=district, contact_person=contact,
            phone="010-6512" + code17[-4:], category=category)
        out[i] = merchant
    return out


def _go(case, action, user, data=None):
    return engine.perform(case, action, actor=user, data=data or {}, version=case.version)


def _walk(case, target: str, people: dict, today: dt.date) -> None:
    """Take the case through the lifecycle up to `target` (as the demo accounts, through the engine)."""
    proposer, office = people["proposer"], people["office"]
    reach = ORDER.index(target)
    if reach < 1:
        return
    report = SimpleUploadedFile("考察报告.txt", "实地考察：场所合规，服务内容与方案一致。".encode(), "text/plain")
    case = _go(case, "submit", proposer, {"inspected_on": today - dt.timedelta(days=INSPECTED_DAYS_AGO),
                                          "inspection_summary": "实地考察经营场所、资质与服务流程，符合要求。",
                                          "files": [report]})
    if target == "revision":
        _go(case, "send_back", office, {"reasons": "优惠力度需明确到具体金额\n补充服务商资质证明"})
        return
    if reach < 3:
        return
    case = _go(case, "approve", office)
    if reach < 4:
        return
    case = _go(case, "sign_agreement", proposer, {"start": today, "end": today.replace(year=today.year + 1),
                                                  "terms": "服务商为持卡会员提供约定优惠，工会按季度核对服务人次。"})
    if reach < 5:
        return
    case = _go(case, "issue_plaque", office)
    if reach < 6:
        return
    case = _go(case, "publish", office)
    if reach < 7:
        return
    case = _go(case, "start", proposer)
    if reach < 8:
        return
    case = _go(case, "send_to_evaluation", proposer)
    if reach < 9:
        return
    case = _go(case, "record_evaluation", office, {
        "year": today.year, "score": 62 if target == "exited" else 86,
        "conclusion": "exit" if target == "exited" else "renew", "remarks": "第三方评估：参与度与满意度见评估表。"})
    if reach < 10:
        return
    if target == "renewed":
        _go(case, "renew", office, {"start": today.replace(year=today.year + 1) + dt.timedelta(days=1),
                                    "end": today.replace(year=today.year + 2),
                                    "terms": "续约一年，优惠不变。"})
    elif target == "exited":
        _go(case, "exit", office, {"reasons": "职工参与度低，全年服务人次不足\n评估得分低于60分以上的续约线"})


def _activity(projects: list[Project], today: dt.date) -> None:
    """Served visits and ratings of the projects that ran, over the months of this year."""
    rng = random.Random(17)  # noqa: S311 - demo data, not security
    members = list(Member.objects.filter(status="active").values_list("pk", flat=True)[:120])
    if not members:
        return
    ratings = []
    for p in projects:
        if p.running_since is None:
            continue
        start = dt.date(today.year, 1 + rng.randrange(0, max(1, today.month - 1)), 1)
        Project.objects.filter(pk=p.pk).update(running_since=start)  # demo: they began earlier in the year
        days = max(1, (today - start).days)
        for _ in range(rng.randint(25, 70)):
            member = rng.choice(members)
            day = start + dt.timedelta(days=rng.randrange(days))
            if record_visit(member_id=member, day=day, service=p.service_key, kind=VisitKind.SWIPE,
                            source="demo") and rng.random() < 0.4:
                ratings.append(Rating(project=p, member_id=member, day=day, score=rng.choice([3, 4, 4, 5, 5]),
                                      comment=rng.choice(["", "方便实惠", "服务热情", "希望增加场次"])))
    Rating.objects.bulk_create(ratings, ignore_conflicts=True)
    if exited := next((p for p in projects if p.exited_at), None):
        Project.objects.filter(pk=exited.pk).update(exited_at=timezone.now() - dt.timedelta(days=1))


SURVEY_QUESTIONS = [
    {"kind": "multiple", "text": "您最希望工会提供哪类服务项目？（可多选）",
     "options": "教育培训\n文化体育\n医药健康\n旅游休闲\n生活服务\n互助保障"},
    {"kind": "single", "text": "您对现有京卡服务项目的了解程度？", "options": "很了解\n了解一些\n不了解"},
    {"kind": "single", "text": "您通常通过什么渠道了解工会服务？", "options": "微信\n单位工会\n12351热线\n宣传手册"},
    {"kind": "text", "text": "您还有什么需求或建议？", "options": ""},
]


def _survey(city_user: User) -> Survey:
    survey = Survey.objects.filter(title="2026年北京市职工需求调查").first()
    if survey is not None:
        return survey
    survey = actions.save_survey(acting_user=city_user, data={
        "title": "2026年北京市职工需求调查", "is_open": True, "questions": SURVEY_QUESTIONS,
        "intro": "市总工会定期开展职工需求调查，分析结果将用于有针对性地开发服务项目。"})
    rng = random.Random(4)  # noqa: S311 - demo data, not security
    districts = list(OrgUnit.objects.filter(kind=UnitKind.DISTRICT_CENTER).order_by("code")[:6])
    industries = list(OrgUnit.objects.filter(kind=UnitKind.INDUSTRY_UNION).order_by("code")[:5])
    questions = list(survey.questions.all())
    for _ in range(80):
        data: dict[str, object] = {"district": rng.choice(districts).pk if districts else None,
                "industry": rng.choice(industries).pk if industries else None,
                "group": rng.choice(WorkerGroup.values)}
        for q in questions:
            options = q.option_list()
            if q.kind == "multiple":
                data[f"q{q.pk}"] = rng.sample(options, rng.randint(1, 3))
            elif q.kind == "single":
                data[f"q{q.pk}"] = rng.choice(options)
            else:
                data[f"q{q.pk}"] = rng.choice(["", "希望增加周末活动", "希望医疗项目覆盖更多药店", ""])
        actions.answer_survey(survey=survey, data=data)
    return survey


@transaction.atomic
def seed_demo() -> str:
    """Seed the demo rows (idempotent); returns a line saying what was added."""
    users = {u.username: u for u in User.objects.filter(username__in=["cityoffice", "dongcheng", "legaldept"])}
    if len(users) < 3:
        return "skipped: the demo accounts cityoffice, dongcheng and legaldept are missing"
    merchants = _merchants()
    survey = _survey(users["cityoffice"])
    if Project.objects.exists():
        return f"{len(merchants)} merchants; projects already there"
    today = timezone.localdate()
    made = []
    for name, category, brand, level, run_code, m, offer, subsidy, proposer, target in PROJECTS:
        if m not in merchants:
            continue
        data = {"name": name, "category": category, "brand": brand, "run_level": level, "run_unit": run_code or "",
                "merchant": merchants[m].uscc, "offer": offer, "subsidy": subsidy,
                "survey": survey.pk if target in ("inspection", "running") else None}
        case = actions.propose(acting_user=users[proposer], data=data)
        _walk(case, target, {"proposer": users[proposer], "office": users["cityoffice"]}, today)
        made.append(Project.objects.get(case=case))
    _activity([Project.objects.get(pk=p.pk) for p in made], today)
    return f"{len(merchants)} merchants, {len(made)} projects (every state through exit), 1 survey with answers"
