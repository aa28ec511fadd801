"""Demo data of service stations: the stations of 东城区 and 海淀区 with profiles, people, training and the last
twelve months of reports (most on time, some late, some missing, one returned), and the demo station accepted as
standardized."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from unionserve.core.units import UnitKind
from unionserve.orgs.models import OrgUnit, UnitStatus

from . import rules
from .models import (
    EQUIPMENT,
    POSTINGS,
    Attendance,
    CourseKind,
    MonthlyReport,
    Organizer,
    Post,
    ProfileChange,
    ReportStatus,
    StationProfile,
    StationWorker,
    TrainingCourse,
)

DISTRICTS = ("110101", "110108")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("芳", "伟", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟")


def _months(today: dt.date) -> list[dt.date]:
    """The last twelve months whose report has fallen due."""
    out: list[dt.date] = []
    period = rules.month_start(today)
    while len(out) < 12:
        period = rules.month_start(period - dt.timedelta(days=1))
        if rules.due_day(period)[0] <= today:
            out.append(period)
    return out


@transaction.atomic
def seed_demo() -> str:
    """Seed the demo rows (idempotent); returns a line saying what was added."""
    stations = list(OrgUnit.objects.filter(kind=UnitKind.STATION, status=UnitStatus.ACTIVE,
                                           region_parent__code__in=DISTRICTS).order_by("code"))
    if not stations or StationProfile.objects.filter(station__in=stations).exists():
        return "stations: already seeded" if stations else "stations: no demo stations"
    today = timezone.localdate()
    year = today.year
    city = OrgUnit.objects.filter(kind=UnitKind.CITY_CENTER).order_by("code").first()
    courses = {}
    if city is not None:
        courses["pre"] = TrainingCourse.objects.create(unit=city, organizer=Organizer.CITY, kind=CourseKind.PRE_JOB,
                                                       title="新上岗社会工作者岗前培训", held_on=dt.date(year, 3, 10),
                                                       hours=Decimal("16"))
        courses["all"] = TrainingCourse.objects.create(unit=city, organizer=Organizer.CITY, kind=CourseKind.GENERAL,
                                                       title="专职工会社会工作者全员培训", held_on=dt.date(year, 4, 20),
                                                       hours=Decimal("24"))
        courses["head"] = TrainingCourse.objects.create(unit=city, organizer=Organizer.CITY, kind=CourseKind.HEAD,
                                                        title="服务站站长轮训", held_on=dt.date(year, 5, 15),
                                                        hours=Decimal("16"))
    district_courses = {}
    for code in DISTRICTS:
        district = OrgUnit.objects.filter(code=code).first()
        if district is not None:
            district_courses[district.pk] = TrainingCourse.objects.create(
                unit=district, organizer=Organizer.DISTRICT, kind=CourseKind.GENERAL,
                title=f"{district.name}社会工作者业务培训", held_on=dt.date(year, 6, 12), hours=Decimal("32"))
    months = _months(today)
    n_people = n_reports = 0
    for i, station in enumerate(stations):
        area = (60, 99, 100, 150, 45)[i % 5]
        StationProfile.objects.create(
            station=station, street_facing=i % 7 != 3, own_office=True, area_m2=area, city_sign=i % 4 != 1,
            rooms=rules.required_rooms(area) if i % 6 != 2 else [], equipment=sorted(EQUIPMENT)[: 10 - i % 3],
            pcs=3 + i % 4, postings=sorted(POSTINGS), outdoor_board=True, video_link=i % 5 != 4,
            retained_funds=Decimal((80_000, 350_000, 499_999, 620_000)[i % 4]),
            standardized_on=dt.date(2013, 6, 20) if i % 3 == 0 else None, stars=(i % 3 == 0) * (3 + i % 3))
        ProfileChange.objects.create(station=station, changes={"area_m2": [0, area]})
        workers = []
        size = (3, 4, 5, 2)[i % 4]
        for j in range(size + 1):
            post = Post.HEAD if j == 0 else (Post.DEPUTY if j == 1 and size >= 5 else Post.WORKER)
            hired = dt.date(year, 2, 1) if j == size else dt.date(2014 + (i + j) % 10, 3, 1)
            workers.append(StationWorker.objects.create(
                station=station, name=SURNAMES[(i + j) % len(SURNAMES)] + GIVEN[(i * 3 + j) % len(GIVEN)],
                post=post, hired_on=hired, contract_until=dt.date(year + 2, 12, 31), pay_grade=f"{1 + j % 3}级",
                appraisal="competent", appraisal_year=year - 1))
        n_people += len(workers)
        for w in workers:
            if courses and (i + w.pk) % 5:
                if w.post == Post.HEAD:
                    Attendance.objects.create(course=courses["head"], worker=w, hours=courses["head"].hours)
                if w.hired_on.year == year:
                    Attendance.objects.create(course=courses["pre"], worker=w,
                                              hours=Decimal("15.5") if i % 2 else Decimal("16"))
                Attendance.objects.create(course=courses["all"], worker=w, hours=courses["all"].hours)
            dc = district_courses.get(station.region_parent_id) if station.region_parent_id else None
            if dc is not None and (i + w.pk) % 4:
                Attendance.objects.create(course=dc, worker=w, hours=Decimal("32") if w.pk % 3 else Decimal("31"))
        for k, period in enumerate(months):
            due, used = rules.due_day(period)
            roll = (i * 7 + k * 3) % 20
            if roll == 0:
                continue  # missing
            late = roll in (1, 2)
            submitted = due + dt.timedelta(days=1 + roll) if late else due - dt.timedelta(days=roll % 3)
            returned = (i, k) == (0, 1)
            MonthlyReport.objects.create(
                station=station, period=period, due_on=due, due_policy=used,
                status=ReportStatus.RETURNED if returned else (ReportStatus.APPROVED if k else ReportStatus.SUBMITTED),
                figures={"members_joined": 10 + (i + k) % 30, "members_left": (i + k) % 7, "activities": 1 + k % 4,
                         "affairs_handled": (i * k) % 9},
                first_submitted_on=submitted,
                submitted_at=timezone.make_aware(dt.datetime.combine(submitted, dt.time(10))),
                return_reason="请补充本月入会人数来源" if returned else "")
            n_reports += 1
    accepted = _demo_acceptance()
    return (f"stations: {len(stations)} profiles, {n_people} people, {n_reports} monthly reports, "
            f"{accepted} acceptance case")


def _demo_acceptance() -> int:
    """The demo station (东华门) applies; 东城 pre-checks; the city sends it back to rectify its rooms."""
    from unionserve.accounts.models import User
    from unionserve.workflow import actions as wf

    users = {u.username: u for u in User.objects.filter(username__in=("station", "dongcheng", "cityoffice"))}
    if len(users) < 3 or users["station"].org_unit is None:
        return 0
    case = wf.open_case("stationaccept", actor=users["station"], title=f"{users['station'].org_unit.name}规范化验收")
    case = wf.perform(case, "apply", actor=users["station"], version=case.version)
    case = wf.perform(case, "pass_precheck", actor=users["dongcheng"], data={"opinion": "材料齐全，同意报市总验收"},
                      version=case.version)
    wf.perform(case, "rectify", actor=users["cityoffice"], version=case.version,
               data={"items": "按面积设置劳动争议调解室；补齐五上墙内容"})
    return 1
