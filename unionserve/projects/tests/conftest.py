import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from unionserve.core.roles import Role


@pytest.fixture
def pj(tree, make_user):
    """People and two merchants: the city office, a department, two district centers, stations, an evaluator."""
    from unionserve.projects.models import Merchant

    p = {
        "city": make_user(tree["city"], Role.CITY_OFFICE, username="city"),
        "dept": make_user(tree["dept"], Role.DEPARTMENT_STAFF, username="dept"),
        "dc": make_user(tree["dc"], Role.CENTER_STAFF, username="dcstaff"),
        "hd": make_user(tree["hd"], Role.CENTER_STAFF, username="hdstaff"),
        "st1": make_user(tree["st1"], Role.SOCIAL_WORKER, username="sw1"),
        "st3": make_user(tree["st3"], Role.SOCIAL_WORKER, username="sw3"),
        "evaluator": make_user(tree["city"], Role.EVALUATOR, username="evaluator"),
    }
    p["m1"] = Merchant.objects.create(name="北京金象大药房", uscc="91110000802100433B", address="东城区东四北大街1号",
                                      district=tree["dc"], contact_person="王", phone="010-65120001",
                                      category="health")
    p["m2"] = Merchant.objects.create(name="海淀健身中心", uscc="91110108551385082Q", address="海淀区中关村1号",
                                      district=tree["hd"], contact_person="李", phone="010-62000001",
                                      category="culture")
    return p


def proposal(m, **extra):
    data = {"name": "会员购药九折", "category": "health", "brand": "medical", "run_level": "district",
            "merchant": m.uscc, "offer": "持京卡购药九折", "subsidy": "12000.50"}
    data.update(extra)
    return data


def report():
    return SimpleUploadedFile("report.pdf", b"%PDF-1.4 inspection", "application/pdf")


def go(case, action, user, data=None):
    from unionserve.workflow import actions as engine

    return engine.perform(case, action, actor=user, data=data or {}, version=case.version)


def submit(case, user):
    return go(case, "submit", user, {"inspected_on": timezone.localdate() - dt.timedelta(days=1),
                                     "inspection_summary": "场所合规", "files": [report()]})


def period(start=None, days=365):
    start = start or timezone.localdate()
    return {"start": start.isoformat(), "end": (start + dt.timedelta(days=days)).isoformat(), "terms": "会员九折"}


@pytest.fixture
def running(pj):
    """A Dongcheng project taken to running."""
    from unionserve.projects import actions

    case = actions.propose(acting_user=pj["dc"], data=proposal(pj["m1"]))
    case = submit(case, pj["dc"])
    case = go(case, "approve", pj["city"])
    case = go(case, "sign_agreement", pj["dc"], period())
    case = go(case, "issue_plaque", pj["city"])
    case = go(case, "publish", pj["city"])
    case = go(case, "start", pj["dc"])
    return case


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English (the pages' Chinese is checked by the translation test)."""
    from django.utils import translation

    with translation.override("en"):
        yield
