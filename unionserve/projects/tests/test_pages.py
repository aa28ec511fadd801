"""Pages and the API: the public catalogue, the rating link, evaluations, statistics, the survey, roles, bounds."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from unionserve.projects import actions
from unionserve.projects.models import Merchant, Project, Rating, Survey, SurveyResponse
from unionserve.visits.public import record_visit, visits_count

from .conftest import go, proposal, submit


@pytest.fixture
def member(tree):
    from unionserve.members.tests.factories import make_member

    return make_member(tree["g1"], "王芳", phone="13912345678")


def test_public_catalogue_shows_only_published_and_running_projects(client, pj, running):
    draft = actions.propose(acting_user=pj["dc"], data=proposal(pj["m1"], name="草稿项目"))
    approved = go(submit(actions.propose(acting_user=pj["hd"], data=proposal(pj["m2"], name="已批未发布")), pj["hd"]),
                  "approve", pj["city"])
    response = client.get("/projects/portal/")  # no login
    assert response.status_code == 200
    body = response.content.decode()
    assert "会员购药九折" in body and "持京卡购药九折" in body
    assert "草稿项目" not in body and "已批未发布" not in body
    assert Project.objects.get(case=running).plaque_number in body
    # Filters: district and category; another district shows nothing of Dongcheng's.
    assert "会员购药九折" in client.get("/projects/portal/?district=110101&category=health").content.decode()
    assert "会员购药九折" not in client.get("/projects/portal/?district=110108").content.decode()
    # An exited project leaves the catalogue.
    case = go(running, "send_to_evaluation", pj["dc"])
    case = go(case, "record_evaluation", pj["city"], {"year": 2026, "score": 40, "conclusion": "exit"})
    go(case, "exit", pj["city"], {"reasons": "退出"})
    assert "会员购药九折" not in client.get("/projects/portal/").content.decode()
    assert draft and approved


@pytest.mark.parametrize("query", ["page=0", "page=abc", "page=99999999999", "page=-1"])
def test_catalogue_bad_page_is_400(client, db, query):
    assert client.get(f"/projects/portal/?{query}").status_code == 400


def test_catalogue_long_filters_are_cut_not_500(client, db):
    assert client.get("/projects/portal/?q=" + "药" * 5000 + "&district=" + "x" * 300).status_code == 200


def test_rating_link_used_twice_the_same_day_is_refused(client, pj, running, member):
    project = Project.objects.get(case=running)
    token = actions.rating_token(project, member.pk)
    url = reverse("projects:rate", args=[token])
    assert client.get(url).status_code == 200
    assert client.post(url, {"score": "5", "comment": "很好"}).status_code == 200
    second = client.post(url, {"score": "4"})
    assert second.status_code == 400
    assert Rating.objects.filter(project=project, member=member).count() == 1
    # The next day the member may rate again.
    tomorrow = timezone.now() + dt.timedelta(days=1)
    from unittest import mock

    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        actions.rate(token=token, score=3)
    assert Rating.objects.filter(project=project, member=member).count() == 2


def test_rating_link_bounds(client, pj, running, member):
    project = Project.objects.get(case=running)
    url = reverse("projects:rate", args=[actions.rating_token(project, member.pk)])
    assert client.post(url, {"score": "6"}).status_code == 400
    assert client.post(url, {"score": "0"}).status_code == 400
    assert client.post(url, {"score": "5", "comment": "x" * 201}).status_code == 400
    assert client.get(reverse("projects:rate", args=["forged-token"])).status_code == 404
    assert not Rating.objects.exists()


def test_rating_link_of_a_project_not_in_the_catalogue_is_not_valid(client, pj, member):
    case = actions.propose(acting_user=pj["dc"], data=proposal(pj["m1"]))
    token = actions.rating_token(Project.objects.get(case=case), member.pk)
    assert client.get(reverse("projects:rate", args=[token])).status_code == 404


def test_staff_make_a_rating_link_for_a_member_in_scope(client_for, pj, running, member):
    client = client_for(pj["dc"])
    project = Project.objects.get(case=running)
    response = client.post(f"/projects/{project.code}/", {"id_number": member.id_masked}, follow=False)
    # A masked number finds nobody: 400 with the error, never a link.
    assert response.status_code == 400


def test_evaluation_figures_and_export(client_for, pj, running, member, tree):
    project = Project.objects.get(case=running)
    today = timezone.localdate()
    record_visit(member_id=member.pk, day=today, service=project.service_key)
    record_visit(member_id=member.pk, day=today - dt.timedelta(days=1), service=project.service_key)
    assert visits_count(service=project.service_key) == (2, 1)
    assert visits_count(service=project.service_key, start=today) == (1, 1)
    Rating.objects.create(project=project, member=member, day=today, score=4)
    from unionserve.projects.evaluation import figures

    f = figures(project, dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
    assert (f.visits, f.members, f.ratings, str(f.satisfaction)) == (2, 1, 1, "4.00")
    assert str(f.subsidy_per_visit) == "6000.25"  # 12000.50 yuan over 2 visits
    client = client_for(pj["evaluator"])
    page = client.get(f"/projects/evaluations/?year={today.year}")
    assert page.status_code == 200 and "6000.25" in page.content.decode()
    export = client.get(f"/projects/evaluations/?year={today.year}&format=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/projects/evaluations/?year=1800").status_code == 400


def test_the_evaluator_reads_but_changes_nothing(client_for, pj, running):
    from unionserve.workflow.permissions import actions_for

    client = client_for(pj["evaluator"])
    project = Project.objects.get(case=running)
    assert client.get(f"/projects/{project.code}/").status_code == 200
    assert client.get("/projects/").status_code == 200
    assert client.get("/projects/merchants/new/").status_code == 403
    assert client.get("/projects/new/").status_code == 403
    assert client.get("/projects/surveys/new/").status_code == 403
    assert actions_for(running, pj["evaluator"]) == []
    payload = {"name": "x", "uscc": pj["m1"].uscc, "address": "a", "district": "110101", "contact_person": "c",
               "phone": "010-1234567", "category": "health"}
    assert client.post("/api/projects/merchants", payload, content_type="application/json").status_code == 403


def test_roles_on_pages(client_for, pj, running, tree, make_user):
    from unionserve.core.roles import Role

    grassroots = make_user(tree["g1"], Role.GRASSROOTS_OFFICER, username="gr")
    assert client_for(grassroots).get("/projects/").status_code == 403
    station = client_for(pj["st1"])
    assert station.get("/projects/").status_code == 200
    assert station.get("/projects/new/").status_code == 403
    code = Project.objects.get(case=running).code
    assert client_for(pj["st3"]).get(f"/projects/{code}/").status_code == 404  # another district's station
    assert client_for(pj["hd"]).get(f"/projects/{code}/").status_code == 404


def test_proposal_page_and_merchant_picker(client_for, pj):
    client = client_for(pj["dc"])
    assert client.get("/projects/new/").status_code == 200
    pick = client.get("/projects/merchants/pick/?q=金象").json()["results"]
    assert pick[0]["code"] == pj["m1"].uscc
    response = client.post("/projects/new/", {"name": "会员购药", "category": "health", "brand": "medical",
                                              "run_level": "station", "run_unit": "110101001",
                                              "merchant": pj["m1"].uscc, "offer": "九折", "subsidy": ""})
    project = Project.objects.get()
    assert response.status_code == 302 and project.run_unit.code == "110101001"
    bad = client.post("/projects/new/", {"name": "x", "category": "health", "brand": "medical",
                                         "run_level": "station", "run_unit": "110108012",
                                         "merchant": pj["m1"].uscc, "offer": "九折", "subsidy": "-5"})
    assert bad.status_code == 400 and Project.objects.count() == 1


def test_merchants_page_and_edit(client_for, pj, tree):
    client = client_for(pj["dc"])
    assert "北京金象大药房" in client.get("/projects/merchants/?q=金象").content.decode()
    response = client.post("/projects/merchants/new/", {
        "name": "东城家政", "uscc": "91110101MA01PJ0050", "address": "东城区1号", "district": "110101",
        "contact_person": "孙", "phone": "010-1234567", "category": "living", "active": "on"})
    assert response.status_code == 400  # a bad check character
    from stdnum.cn import uscc

    code = "91110101MA01PJ005" + uscc.calc_check_digit("91110101MA01PJ005")
    response = client.post("/projects/merchants/new/", {
        "name": "东城家政", "uscc": code, "address": "东城区1号", "district": "110101",
        "contact_person": "孙", "phone": "010-1234567", "category": "living", "active": "on"})
    assert response.status_code == 302 and Merchant.objects.filter(uscc=code).exists()
    dup = client.post("/projects/merchants/new/", {
        "name": "东城家政", "uscc": code, "address": "东城区1号", "district": "110101",
        "contact_person": "孙", "phone": "010-1234567", "category": "living"})
    assert dup.status_code == 400


def test_statistics_page_export_and_running_per_month(client_for, pj, running):
    from unionserve.projects import statistics

    today = timezone.localdate()
    Project.objects.filter(case=running).update(running_since=dt.date(today.year, 1, 15))
    months = statistics.running_by_month(Project.objects.all(), today.year)
    assert months[0] == (f"{today.year}-01", 1) and all(n == 1 for _m, n in months)
    assert str(statistics.monthly_average(months)) == "1.00"
    client = client_for(pj["city"])
    assert client.get(f"/projects/statistics/?year={today.year}").status_code == 200
    assert client.get(f"/projects/statistics/?year={today.year}&format=xlsx").status_code == 200
    assert client.get("/projects/statistics/?year=abc").status_code == 400


def test_survey_edit_answer_and_results(client, client_for, pj, tree):
    office = client_for(pj["city"])
    response = office.post("/projects/surveys/new/", {
        "title": "职工需求调查", "is_open": "on",
        "questions": "[多选] 您最需要哪类服务？\n- 医药健康\n- 文化体育\n"
                     "[单选] 是否了解京卡？\n- 了解\n- 不了解\n[文字] 建议"})
    survey = Survey.objects.get()
    assert response.status_code == 302 and survey.questions.count() == 3
    q1, q2, q3 = survey.questions.all()
    client.logout()
    url = f"/projects/portal/surveys/{survey.pk}/"
    assert client.get(url).status_code == 200
    ok = client.post(url, {"district": tree["dc"].pk, "group": "female", f"q{q1.pk}": ["医药健康", "文化体育"],
                           f"q{q2.pk}": "了解", f"q{q3.pk}": "多办活动"})
    assert ok.status_code == 200 and SurveyResponse.objects.count() == 1
    bad = client.post(url, {"group": "female", f"q{q1.pk}": ["核武器"], f"q{q2.pk}": "了解"})
    assert bad.status_code == 400 and SurveyResponse.objects.count() == 1
    results = client_for(pj["dc"]).get(f"/projects/surveys/{survey.pk}/?district={tree['dc'].pk}")
    assert results.status_code == 200 and "多办活动" in results.content.decode()
    # A proposal cites the survey.
    case = actions.propose(acting_user=pj["dc"], data=proposal(pj["m1"], survey=survey.pk))
    assert Project.objects.get(case=case).survey == survey
    # Questions of a survey with answers cannot change.
    office = client_for(pj["city"])
    changed = office.post(f"/projects/surveys/{survey.pk}/edit/", {"title": "x", "questions": "[文字] 新问题"})
    assert changed.status_code == 400
    # A closed survey is not on the portal.
    Survey.objects.filter(pk=survey.pk).update(is_open=False)
    assert client.get(url).status_code == 404


def test_case_panel_shows_evaluations_in_the_renewal_step(client_for, pj, running):
    case = go(running, "send_to_evaluation", pj["dc"])
    case = go(case, "record_evaluation", pj["city"], {"year": 2026, "score": 77, "conclusion": "improve",
                                                     "remarks": "需改进宣传"})
    page = client_for(pj["city"]).get(f"/work/cases/{case.number}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "需改进宣传" in body and "77" in body


def test_api(client_for, pj, running):
    client = client_for(pj["dc"])
    listed = client.get("/api/projects/").json()
    assert listed["count"] == 1 and listed["items"][0]["plaque_number"]
    code = listed["items"][0]["code"]
    detail = client.get(f"/api/projects/{code}").json()
    assert detail["figures"]["visits"] == 0 and detail["state"] == "running"
    made = client.post("/api/projects/", {"name": "API项目", "category": "health", "brand": "medical",
                                          "run_level": "district", "merchant": pj["m1"].uscc, "offer": "九折",
                                          "subsidy": "100.50"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["subsidy"] == "100.50"
    bad = client.post("/api/projects/", {"name": "API项目", "category": "health", "brand": "medical",
                                         "run_level": "district", "merchant": "x", "offer": "九折"},
                      content_type="application/json")
    assert bad.status_code == 400
    assert client.get("/api/projects/?page=0").status_code == 422
    assert client.get("/api/projects/catalogue").json()["items"][0]["code"] == code
    assert client.get("/api/projects/statistics?year=2026").status_code == 200
    assert client.get("/api/projects/statistics?year=99999").status_code == 422
    assert client_for(pj["st1"]).post("/api/projects/", {}, content_type="application/json").status_code in (403,
                                                                                                          422)
    assert client_for(pj["st3"]).get(f"/api/projects/{code}").status_code == 404
    client = client_for(pj["dc"])
    assert client.get(f"/api/projects/{code}/ratings").json()["count"] == 0
    assert client_for(pj["hd"]).get(f"/api/projects/{code}/ratings").status_code == 404
    client = client_for(pj["dc"])
    survey = {"title": "调查", "is_open": True,
              "questions": [{"kind": "single", "text": "了解京卡吗？", "options": "了解\n不了解"}]}
    assert client.post("/api/projects/surveys", survey, content_type="application/json").status_code == 403
    city = client_for(pj["city"])
    assert city.post("/api/projects/surveys", survey, content_type="application/json").status_code == 201
    survey["questions"] = [{"kind": "single", "text": "只有一个选项", "options": "了解"}]
    assert city.post("/api/projects/surveys", survey, content_type="application/json").status_code == 400


@pytest.mark.parametrize("who", ["city", "dc", "st1", "evaluator"])
def test_every_page_opens_for_each_role(client_for, pj, running, who):
    from unionserve.core import roles

    user = pj[who]
    client = client_for(user)
    code = Project.objects.get(case=running).code
    survey = actions.save_survey(acting_user=pj["city"], data={
        "title": "调查", "is_open": True, "questions": [{"kind": "text", "text": "建议", "options": ""}]})
    pages = {"/projects/": roles.VIEW_PROJECTS, f"/projects/{code}/": roles.VIEW_PROJECTS,
             "/projects/catalogue/": roles.VIEW_PROJECTS, "/projects/merchants/": roles.VIEW_PROJECTS,
             "/projects/statistics/": roles.VIEW_PROJECTS, "/projects/surveys/": roles.VIEW_PROJECTS,
             f"/projects/surveys/{survey.pk}/": roles.VIEW_PROJECTS,
             "/projects/evaluations/": roles.VIEW_PROJECT_EVALUATIONS, "/projects/new/": roles.PROPOSE_PROJECTS,
             "/projects/merchants/new/": roles.MANAGE_MERCHANTS,
             f"/projects/merchants/{pj['m1'].pk}/": roles.MANAGE_MERCHANTS,
             f"/projects/surveys/{survey.pk}/edit/": roles.MANAGE_SURVEYS, f"/work/cases/{running.number}/": None}
    for url, perm in pages.items():
        expected = 200 if perm is None or user.has_perm(perm) else 403
        if who == "st1" and url in (f"/work/cases/{running.number}/", f"/projects/{code}/"):
            expected = 404  # a district-run project: not the station's (it sees those it runs)
        assert client.get(url).status_code == expected, url
    client.logout()
    for url in ("/projects/portal/", "/projects/portal/surveys/", f"/projects/portal/surveys/{survey.pk}/"):
        assert client.get(url).status_code == 200, url
    assert client.get("/projects/").status_code == 302  # staff pages need a login
