"""Pages and API: roles, scope (another district's rows are absent or 404), the forms' bounds, exports."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from unionserve.visits import actions
from unionserve.visits.models import Activity, ServedVisit, SignIn, SwipeImport, VisitKind
from unionserve.visits.public import record_visits

DAY = dt.date(2026, 5, 1)
#: Activities are held within a year of today: a week ago, and one to come.
RECENT = timezone.localdate() - dt.timedelta(days=7)
COMING = timezone.localdate() + dt.timedelta(days=20)


@pytest.fixture
def ledger(people):
    record_visits([(people["m1"].pk, DAY, "project:P1", VisitKind.SWIPE, "t"),
                   (people["m3"].pk, DAY, "hotline", VisitKind.PLATFORM, "t")])
    return people


def test_every_page_renders_for_the_city(ledger, client_for):
    c = client_for(ledger["city"])
    for url in ("/visits/", "/visits/?level=2&year=2026", "/visits/ledger/", "/visits/imports/",
                "/visits/activities/", "/visits/?year=2015", "/visits/?year=abc", "/visits/?year=99999"):
        response = c.get(url)
        assert response.status_code == 200, url
    page = c.get("/visits/?year=2026").content.decode()
    assert "visits-chart-data" in page and "王一" not in page


def test_ledger_is_scoped(ledger, client_for):
    page = client_for(ledger["dc"]).get("/visits/ledger/").content.decode()
    assert "王一" in page and "赵三" not in page          # Haidian's member is absent for Dongcheng
    page = client_for(ledger["st3"]).get("/visits/ledger/").content.decode()
    assert "赵三" in page and "王一" not in page
    api = client_for(ledger["dc"]).get("/api/visits/visits").json()
    assert [v["member_name"] for v in api["items"]] == ["王一"]


def test_ledger_filters_are_bounded(ledger, client_for):
    c = client_for(ledger["city"])
    assert c.get("/visits/ledger/?day_from=1900-01-01").status_code == 200
    assert c.get("/visits/ledger/?day_from=2026-06-01&day_to=2026-01-01").status_code == 200
    assert "王一" in c.get("/visits/ledger/?service=project:P1&kind=swipe").content.decode()
    assert "王一" not in c.get("/visits/ledger/?kind=sign_in").content.decode()
    assert c.get("/visits/ledger/?page=99999999999").status_code == 200
    assert c.get("/api/visits/visits?day_from=1900-01-01").status_code == 422
    assert c.get("/api/visits/visits?kind=nonsense").status_code == 422
    assert c.get("/api/visits/visits?service=" + "x" * 61).status_code == 422
    assert c.get("/api/visits/visits?page=0").status_code == 422
    got = c.get("/api/visits/visits?day_from=2026-05-01&day_to=2026-05-01&kind=platform").json()
    assert [v["service"] for v in got["items"]] == ["hotline"]


def test_ledger_and_rates_export_excel(ledger, client_for):
    c = client_for(ledger["city"])
    for url in ("/visits/ledger/?format=xlsx", "/visits/?format=xlsx&year=2026"):
        response = c.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


def test_roles(ledger, client_for, tree, make_user):
    from unionserve.core.roles import Role

    assert client_for(ledger["mediator"]).get("/visits/").status_code == 403
    assert client_for(ledger["mediator"]).get("/api/visits/visits").status_code == 403
    auditor = client_for(ledger["auditor"])
    assert auditor.get("/visits/ledger/").status_code == 200
    upload = SimpleUploadedFile("s.csv", "卡号,刷卡时间,商户代码\n".encode())
    assert auditor.post("/visits/imports/", {"file": upload}).status_code == 403
    assert auditor.post("/visits/activities/", {"name": "x"}).status_code == 403
    insurance = make_user(tree["dc"], Role.MUTUAL_INSURANCE, username="ins")
    assert client_for(insurance).get("/visits/").status_code == 403


def test_import_page_and_another_districts_import_is_404(people, client_for):
    c = client_for(people["dc"])
    upload = SimpleUploadedFile("s.csv", "卡号,刷卡时间,商户代码\n6219990000000000011,2026-05-01 10:00,P1\n".encode())
    response = c.post("/visits/imports/", {"file": upload})
    imp = SwipeImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/visits/imports/{imp.pk}/"
    assert c.get(f"/visits/imports/{imp.pk}/").status_code == 200
    assert imp.unit.code == "110101" and imp.visits_added == 1
    other = client_for(people["hd"])
    assert other.get(f"/visits/imports/{imp.pk}/").status_code == 404
    assert other.get(f"/visits/imports/{imp.pk}/errors.csv").status_code == 404
    assert other.get(f"/api/visits/imports/{imp.pk}").status_code == 404
    assert str(imp.pk) not in str(other.get("/api/visits/imports").json())
    # The same file again: the page says it was imported before.
    c = client_for(people["dc"])
    upload = SimpleUploadedFile("s.csv", "卡号,刷卡时间,商户代码\n6219990000000000011,2026-05-01 10:00,P1\n".encode())
    c.post("/visits/imports/", {"file": upload})
    again = SwipeImport.objects.order_by("-pk").first()
    assert again.visits_added == 0 and c.get(f"/visits/imports/{again.pk}/").context["earlier"] == imp


def test_upload_form_refuses_other_files(people, client_for):
    c = client_for(people["city"])
    response = c.post("/visits/imports/", {"file": SimpleUploadedFile("s.pdf", b"%PDF")})
    assert response.status_code == 200 and not SwipeImport.objects.exists()
    response = c.post("/visits/imports/", {})
    assert response.status_code == 200


def test_api_import(people, client_for):
    c = client_for(people["city"])
    data = "卡号,刷卡时间,商户代码\n6219990000000000011,2026-05-01 10:00,P1\nx,y,z\n".encode()
    response = c.post("/api/visits/imports", {"file": SimpleUploadedFile("s.csv", data)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["visits_added"], body["error_rows"]) == (1, 1) and "x" in body["error_report"]


def test_activity_and_sign_in(people, client_for, tree):
    c = client_for(people["st1"])
    response = c.post("/visits/activities/", {"name": "健康讲座", "day": RECENT.isoformat(), "unit": "110101001",
                                              "project_code": "HLTH"})
    activity = Activity.objects.get()
    assert response.status_code == 302 and activity.service == "project:HLTH"
    url = f"/visits/activities/{activity.pk}/"
    assert c.post(url, {"card_number": "6219990000000000011"}).status_code == 302
    # Neither number: the form says so.
    assert c.post(url, {"card_number": "", "id_number": ""}).status_code == 200
    assert SignIn.objects.count() == 1
    visit = ServedVisit.objects.get()
    assert (visit.member, visit.kind, visit.service, visit.day) == (
        people["m1"], VisitKind.SIGN_IN, "project:HLTH", RECENT)
    again = c.post(url, {"card_number": "6219990000000000011"})
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    # Haidian's member is not found by a Dongcheng station.
    c.post(url, {"card_number": "6219990000000000033"})
    assert SignIn.objects.count() == 1
    # Another district cannot open it.
    assert client_for(people["hd"]).get(url).status_code == 404
    assert client_for(people["hd"]).post(f"/api/visits/activities/{activity.pk}/sign-ins",
                                         {"card_number": "6219990000000000033"},
                                         content_type="application/json").status_code == 404


def test_sign_in_by_id_number(people, tree):
    from unionserve.members.tests.factories import id_number, make_member

    number = id_number()
    member = make_member(tree["g2"], "周六", number=number, history=False)
    activity = actions.create_activity(name="讲座", day=RECENT, unit=tree["st1"], acting_user=people["st1"])
    entry = actions.sign_in(activity, id_number=number, acting_user=people["st1"])
    assert entry.member == member and activity.service == f"activity:{activity.pk}"
    with pytest.raises(actions.VisitRefused):
        actions.sign_in(activity, id_number=number, acting_user=people["st1"])
    with pytest.raises(actions.VisitRefused):
        actions.sign_in(activity, acting_user=people["st1"])
    with pytest.raises(actions.VisitRefused):
        actions.sign_in(activity, card_number="6219990000000000033", acting_user=people["st1"])


def test_activity_bounds(people, tree):
    with pytest.raises(actions.VisitRefused):
        actions.create_activity(name="", day=RECENT, unit=tree["st1"], acting_user=people["st1"])
    with pytest.raises(actions.VisitRefused):
        actions.create_activity(name="x", day=dt.date(2020, 1, 1), unit=tree["st1"], acting_user=people["st1"])
    with pytest.raises(actions.VisitRefused):
        actions.create_activity(name="x", day=RECENT, unit=tree["st3"], acting_user=people["st1"])
    with pytest.raises(actions.VisitRefused):
        actions.create_activity(name="x", day=RECENT, unit=tree["st1"], project_code="项目",
                                acting_user=people["st1"])
    future = actions.create_activity(name="x", day=COMING, unit=tree["st1"],
                                     acting_user=people["st1"])
    with pytest.raises(actions.VisitRefused):
        actions.sign_in(future, card_number="6219990000000000011", acting_user=people["st1"])


def test_api_activities_and_rates(people, client_for):
    c = client_for(people["dc"])
    response = c.post("/api/visits/activities", {"name": "运动会", "day": RECENT.isoformat(), "unit_code": "110101001"},
                      content_type="application/json")
    assert response.status_code == 201, response.content
    aid = response.json()["id"]
    assert c.post("/api/visits/activities", {"name": "x", "day": RECENT.isoformat(), "unit_code": "110108012"},
                  content_type="application/json").status_code == 400
    r = c.post(f"/api/visits/activities/{aid}/sign-ins", {"card_number": "6219990000000000011"},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["member_name"] == "王一"
    assert c.post(f"/api/visits/activities/{aid}/sign-ins", {"card_number": "6219990000000000011"},
                  content_type="application/json").status_code == 400
    assert c.get(f"/api/visits/activities/{aid}/sign-ins").json()["count"] == 1
    rates = c.get("/api/visits/rates?year=2026").json()
    assert rates["target"] == "80.0" and rates["target_version"] == 1
    assert rates["unit"]["unit_code"] == "110101" and rates["unit"]["visits"] == 1
    assert rates["unit"]["members"] == 2 and str(rates["unit"]["rate"]) == "50.0"
    assert c.get("/api/visits/rates?year=1900").status_code == 422
    assert c.get(f"/api/visits/rates?unit_id={people['m3'].grassroots_id}").status_code == 404


def test_member_page_section(ledger, client_for):
    page = client_for(ledger["city"]).get(f"/members/{ledger['m1'].pk}/").content.decode()
    assert "project:P1" in page
