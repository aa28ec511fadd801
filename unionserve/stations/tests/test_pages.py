"""Pages and API: scope (another district's station is 404), roles (403), the forms, the list's export."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from unionserve.audit.models import AuditEvent
from unionserve.stations import actions
from unionserve.stations.models import Attendance, MonthlyReport, ProfileChange, ReportStatus, StationWorker

pytestmark = pytest.mark.django_db

PROFILE = {"street_facing": "on", "own_office": "on", "area_m2": "99", "city_sign": "on",
           "rooms": ["mediation_room"], "equipment": ["phone", "copier"], "pcs": "3",
           "postings": ["duties"], "outdoor_board": "on", "video_link": "on", "retained_funds": "499999"}


def test_station_page_tabs_for_each_reader(client, tree, people):
    for who in ("st1", "dc", "office"):
        client.force_login(people[who])
        for tab in ("profile", "staff", "training", "reports", "history"):
            r = client.get(reverse("stations:station", args=[tree["st1"].pk]) + f"?tab={tab}")
            assert r.status_code == 200, (who, tab)
    assert b"\xe4\xb8\x9c\xe5\x8d\x8e\xe9\x97\xa8" in r.content  # 东华门


def test_another_districts_station_is_404(client, tree, people):
    client.force_login(people["hd"])
    for name in ("stations:station", "stations:profile_edit", "stations:worker_new"):
        assert client.get(reverse(name, args=[tree["st1"].pk])).status_code in (403, 404)
    assert client.get(reverse("stations:station", args=[tree["st1"].pk])).status_code == 404
    client.force_login(people["st2"])  # a neighbouring station of the same district
    assert client.get(reverse("stations:station", args=[tree["st1"].pk])).status_code == 404
    assert client.get(f"/api/stations/stations/{tree['st1'].pk}").status_code == 404
    # A unit that is not a station is 404 too.
    client.force_login(people["office"])
    assert client.get(reverse("stations:station", args=[tree["dc"].pk])).status_code == 404


def test_roles(client, tree, people):
    client.force_login(people["g1"])  # a grassroots officer holds no station permission
    assert client.get(reverse("stations:list")).status_code == 403
    client.force_login(people["dc"])  # a district reads but does not edit a station's profile
    assert client.get(reverse("stations:profile_edit", args=[tree["st1"].pk])).status_code == 403
    assert client.get(reverse("stations:inspection", args=[tree["st1"].pk])).status_code == 403
    client.force_login(people["st1"])
    assert client.get(reverse("stations:inspection", args=[tree["st1"].pk])).status_code == 403
    assert client.get(reverse("stations:course_new")).status_code == 403


def test_profile_edit_keeps_history(client, tree, people):
    client.force_login(people["st1"])
    url = reverse("stations:profile_edit", args=[tree["st1"].pk])
    assert client.get(url).status_code == 200
    r = client.post(url, PROFILE)
    assert r.status_code == 302
    r = client.post(url, {**PROFILE, "area_m2": "100", "version": "1"})
    assert r.status_code == 302
    change = ProfileChange.objects.filter(station=tree["st1"]).first()
    assert change.changes == {"area_m2": [99, 100]} and change.by == people["st1"]
    assert AuditEvent.objects.filter(action="station_changed").count() == 2
    page = client.get(reverse("stations:station", args=[tree["st1"].pk]) + "?tab=profile").content.decode()
    assert "职工书屋" in page or "Workers&#x27; library" in page
    # A stale version is refused with a message, not a 500.
    r = client.post(url, {**PROFILE, "area_m2": "120", "version": "1"})
    assert r.status_code == 400
    assert client.post(url, {**PROFILE, "area_m2": "-5"}).status_code == 400


def test_people_and_the_deputy_rule(client, tree, people):
    client.force_login(people["st1"])
    url = reverse("stations:worker_new", args=[tree["st1"].pk])
    r = client.post(url, {"name": "站长甲", "post": "head", "hired_on": "2020-01-01"})
    assert r.status_code == 302
    assert client.post(url, {"name": "站长乙", "post": "head", "hired_on": "2020-01-01"}).status_code == 400
    for i in range(3):
        client.post(url, {"name": f"社工{i}", "post": "worker", "hired_on": "2020-01-01"})
    client.post(url, {"name": "副站长", "post": "deputy", "hired_on": "2020-01-01"})
    page = client.get(reverse("stations:station", args=[tree["st1"].pk]) + "?tab=staff").content.decode()
    assert StationWorker.objects.filter(station=tree["st1"]).count() == 5
    # 4 social workers (deputy included) with a deputy: the rule is broken and said so.
    assert "5" in page
    from unionserve.stations import stats

    status = stats.station_statuses(people["office"], [tree["st1"]])[0]
    assert status.staffing.social_workers == 4 and not status.staffing.ok
    assert client.post(url, {"name": "x" * 61, "post": "worker", "hired_on": "2020-01-01"}).status_code == 400
    assert client.post(url, {"name": "y", "post": "worker", "hired_on": "1800-01-01"}).status_code == 400


def test_report_page_submit_and_review(client, tree, people, clock):
    clock.set(2026, 10, 9)
    client.force_login(people["st1"])
    url = reverse("stations:report", args=[tree["st1"].pk, 2026, 9])
    assert client.get(url).status_code == 200
    data = {"activities": "2", "narrative": "组织了两次活动", "submit": "1"}
    from unionserve.stations.models import REPORT_FIGURES

    data.update({k: data.get(k, "0") for k in REPORT_FIGURES})
    assert client.post(url, data).status_code == 302
    report = MonthlyReport.objects.get(station=tree["st1"])
    assert report.status == ReportStatus.SUBMITTED and report.figures["activities"] == 2
    assert client.get(reverse("stations:report", args=[tree["st1"].pk, 2099, 1])).status_code == 404
    assert client.get(reverse("stations:report", args=[tree["st1"].pk, 2026, 13])).status_code == 404
    review = reverse("stations:review", args=[tree["st1"].pk, 2026, 9])
    client.force_login(people["st1"])
    assert client.post(review, {"approve": "1"}).status_code == 403
    client.force_login(people["hd"])
    assert client.post(review, {"approve": "1"}).status_code in (403, 404)
    client.force_login(people["dc"])
    assert client.post(review, {"return": "1", "reason": "补充"}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED


def test_completeness_page_and_api(client, tree, people, clock):
    clock.set(2026, 10, 20)
    client.force_login(people["office"])
    r = client.get(reverse("stations:completeness") + "?year=2026")
    assert r.status_code == 200
    assert client.get(reverse("stations:completeness") + "?year=1999").status_code == 404
    assert client.get(reverse("stations:completeness") + f"?year=2026&district={tree['dc'].pk}").status_code == 200
    assert client.get(reverse("stations:completeness") + "?year=2026&format=xlsx").status_code == 200
    data = client.get("/api/stations/completeness?year=2026").json()
    assert data["total"]["expected"] == 3 * len(data["rows"][0]["months"])
    client.force_login(people["hd"])
    assert client.get(reverse("stations:completeness") + f"?district={tree['dc'].pk}").status_code == 404


def test_list_filters_and_export(client, tree, people):
    client.force_login(people["office"])
    r = client.get(reverse("stations:list"))
    assert r.status_code == 200 and r.content.decode().count("stations/") >= 3
    r = client.get(reverse("stations:list") + f"?district={tree['dc'].pk}&show=staff_short")
    assert "中关村" not in r.content.decode()
    r = client.get(reverse("stations:list") + "?format=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(people["dc"])
    assert "中关村" not in client.get(reverse("stations:list")).content.decode()
    items = client.get("/api/stations/stations").json()["items"]
    assert {i["code"] for i in items} == {"110101001", "110101002"}


def test_training_ledger(client, tree, people):
    client.force_login(people["st1"])
    worker = actions.save_worker(tree["st1"], None, acting_user=people["st1"], name="社工", post="worker",
                                 hired_on=dt.date(2020, 1, 1))
    client.force_login(people["office"])
    r = client.post(reverse("stations:course_new"), {"title": "全员培训", "kind": "general", "held_on": "2026-04-01",
                                                     "hours": "15.5"})
    assert r.status_code == 302
    url = r["Location"]
    assert client.post(url, {"worker": str(worker.pk), "hours": "16"}).status_code == 400  # more than the course
    assert client.post(url, {"worker": str(worker.pk), "hours": "15.5"}).status_code == 302
    assert Attendance.objects.get(worker=worker).hours == Decimal("15.5")
    # The district sees the city's course but cannot record attendance on it.
    client.force_login(people["dc"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"worker": str(worker.pk), "hours": "1"}).status_code == 403
    # Another district's center cannot pick 东城's worker through the API either.
    client.force_login(people["hd"])
    course = client.post("/api/stations/courses", {"title": "海淀培训", "kind": "general",
                                                   "held_on": "2026-05-01", "hours": "32"},
                         content_type="application/json")
    assert course.status_code == 201
    r = client.post(f"/api/stations/courses/{course.json()['id']}/attendance",
                    {"worker_id": worker.pk, "hours": "32"}, content_type="application/json")
    assert r.status_code == 404


def test_api_profile_and_report(client, tree, people, clock):
    clock.set(2026, 10, 9)
    client.force_login(people["st1"])
    body = {"street_facing": True, "own_office": True, "area_m2": 100, "city_sign": True, "rooms": ["library"],
            "equipment": ["phone"], "pcs": 2, "postings": [], "outdoor_board": True, "video_link": False,
            "retained_funds": "500000"}
    r = client.put(f"/api/stations/stations/{tree['st1'].pk}/profile", body, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["required_rooms"] == ["library", "mediation_room", "activity_room"]
    bad = client.put(f"/api/stations/stations/{tree['st1'].pk}/profile", {**body, "rooms": ["pool"]},
                     content_type="application/json")
    assert bad.status_code in (400, 422)
    r = client.get(f"/api/stations/stations/{tree['st1'].pk}/reports/2026/9")
    assert r.status_code == 200 and r.json()["due_on"] == "2026-10-13"  # 5th working day: 8, 9, Sat 10, 12, 13
    r = client.put(f"/api/stations/stations/{tree['st1'].pk}/reports/2026/9",
                   {"figures": {"activities": 3}, "submit": True}, content_type="application/json")
    assert r.status_code == 200 and r.json()["on_time"]
    client.force_login(people["dc"])
    r = client.put(f"/api/stations/stations/{tree['st1'].pk}/reports/2026/9", {"figures": {}},
                   content_type="application/json")
    assert r.status_code == 403
    r = client.post(f"/api/stations/stations/{tree['st1'].pk}/reports/2026/9/review", {"approve": True},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "approved"


def test_half_year_report_to_the_party_and_government(client, tree, people, clock):
    clock.set(2026, 7, 20)
    for month, n in ((1, 2), (3, 5)):
        actions.save_report(tree["st1"], dt.date(2026, month, 1), acting_user=people["st1"],
                            figures={"activities": n}, narrative=f"{month}月工作", submit=True)
    client.force_login(people["dc"])
    page = client.get(reverse("stations:party_report", args=[tree["st1"].pk, 2026, 1])).content.decode()
    assert ">7<" in page and "3月工作" in page
    assert client.get(reverse("stations:party_report", args=[tree["st1"].pk, 2026, 3])).status_code == 404
    client.force_login(people["hd"])
    assert client.get(reverse("stations:party_report", args=[tree["st1"].pk, 2026, 1])).status_code == 404


def test_api_month_out_of_range_is_404(client, tree, people):
    client.force_login(people["st1"])
    for y, m in ((2026, 13), (1999, 1), (2026, 0)):
        assert client.get(f"/api/stations/stations/{tree['st1'].pk}/reports/{y}/{m}").status_code in (404, 422)
