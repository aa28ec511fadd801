"""The calendar pages: anyone logged in views, only calendar managers edit."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import resolve, reverse
from openpyxl import load_workbook

from unionserve.workcalendar import service
from unionserve.workcalendar.models import CalendarYear, YearSource

pytestmark = pytest.mark.django_db

D = datetime.date


def form_post(year: int, holidays: list[tuple[str, str, str]], workdays: list[tuple[str, str]], **extra) -> dict:
    data = {
        "year": str(year),
        "note": "",
        "holiday-TOTAL_FORMS": str(len(holidays)),
        "holiday-INITIAL_FORMS": "0",
        "workday-TOTAL_FORMS": str(len(workdays)),
        "workday-INITIAL_FORMS": "0",
    }
    for i, (name, start, end) in enumerate(holidays):
        data.update({f"holiday-{i}-name": name, f"holiday-{i}-start": start, f"holiday-{i}-end": end})
    for i, (date, name) in enumerate(workdays):
        data.update({f"workday-{i}-date": date, f"workday-{i}-name": name})
    data.update(extra)
    return data


def test_index_shows_years_warning_and_the_chosen_year(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("workcalendar:index"), {"year": 2026})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2027" in page  # the provisional year is listed and warned about
    assert response.context["calendar_warning"] and "2027" in response.context["calendar_warning"]
    periods = response.context["periods"]
    assert any(p["name"] == "春节" and p["start"] == D(2026, 2, 15) and p["end"] == D(2026, 2, 23) for p in periods)
    assert any(p["type"] == "adjusted_workday" and p["start"] == D(2026, 2, 28) for p in periods)
    assert not response.context["can_manage"]
    assert reverse("workcalendar:schedule_form") not in page
    years = {y["year"]: y for y in response.context["years"]}
    assert years[2026]["official"] and not years[2027]["official"]


def test_index_for_a_provisional_year_and_a_bad_year_parameter(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("workcalendar:index"), {"year": 2027})
    assert response.status_code == 200 and not response.context["official"]
    periods = {(p["name"], p["start"], p["end"]) for p in response.context["periods"]}
    assert {("春节", D(2027, 2, 5), D(2027, 2, 8)), ("春节（补假）", D(2027, 2, 9), D(2027, 2, 10))} <= periods
    assert client.get(reverse("workcalendar:index"), {"year": "abc"}).context["year"] == service.local_today().year


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("workcalendar:index"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_compute_form_shows_result_and_explanation(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("workcalendar:compute"), {"start": "2026-02-09", "rule": "working_days", "n": "10"})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.due_date == D(2026, 2, 28)
    assert "自2026-02-09（星期一）起算10个工作日" in response.content.decode()
    assert client.get(reverse("workcalendar:compute")).context["result"] is None
    missing_n = client.get(reverse("workcalendar:compute"), {"start": "2026-02-09", "rule": "calendar_days", "n": ""})
    assert missing_n.context["result"] is None and missing_n.context["form"].errors["n"]
    same_day = client.get(reverse("workcalendar:compute"), {"start": "2026-02-09", "rule": "same_day"})
    assert same_day.context["result"].due_date == D(2026, 2, 9)


@pytest.mark.parametrize("name", ["schedule_form", "schedule_upload", "schedule_template"])
def test_editing_pages_are_forbidden_without_the_permission(client, clerk, name):
    client.force_login(clerk)
    assert client.get(reverse(f"workcalendar:{name}")).status_code == 403


def test_posting_without_the_permission_is_forbidden_and_saves_nothing(client, clerk):
    client.force_login(clerk)
    data = form_post(2027, [("春节", "2027-02-05", "2027-02-11")], [])
    assert client.post(reverse("workcalendar:schedule_form"), data).status_code == 403
    assert not service.is_official_year(2027)


def test_manager_enters_a_year_by_form(client, manager, signal_log, django_capture_on_commit_callbacks):
    client.force_login(manager)
    page = client.get(reverse("workcalendar:schedule_form"))
    assert page.status_code == 200
    assert page.context["form"].initial["year"] == 2027  # the first year without a schedule
    assert [f.initial.get("name") for f in page.context["holidays"]][:2] == ["元旦", "春节"]
    data = form_post(
        2027,
        [("元旦", "2027-01-01", "2027-01-03"), ("春节", "2027-02-05", "2027-02-12"), ("", "", "")],
        [("2027-02-20", "春节"), ("", "")],
        note="国办发明电〔2026〕X号",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workcalendar:schedule_form"), data)
    assert response.status_code == 302 and response["Location"].endswith("?year=2027")
    row = CalendarYear.objects.get(year=2027)
    assert row.source == YearSource.ADMIN and row.entered_by == manager and row.note.startswith("国办发明电")
    assert signal_log == [[2027]]
    assert not service.is_working_day(D(2027, 2, 12)) and service.is_working_day(D(2027, 2, 20))
    assert not service.add_working_days(D(2027, 2, 1), 5).provisional
    index = client.get(response["Location"])
    assert index.context["official"]


def test_manager_form_errors_save_nothing(client, manager):
    client.force_login(manager)
    data = form_post(
        2027, [("春节", "2027-02-05", "2027-02-11"), ("国庆节", "2028-10-01", "2028-10-07")], [("2027-02-10", "")]
    )
    response = client.post(reverse("workcalendar:schedule_form"), data)
    assert response.status_code == 200
    errors = response.context["schedule_errors"]
    # One message per form row, with its dates folded, not one per day of the period.
    period_errors = [e for e in errors if e.startswith("假期第2行（国庆节）")]
    assert len(period_errors) == 1 and "日期2028-10-01至2028-10-07不属于2027年" in period_errors[0]
    assert any("调休上班第1行" in e and "星期三" in e for e in errors)
    assert not service.is_official_year(2027)
    bad_range = client.post(
        reverse("workcalendar:schedule_form"), form_post(2027, [("春节", "2027-02-11", "2027-02-05")], [])
    )
    assert bad_range.status_code == 200 and bad_range.context["holidays"].errors[0]


def test_manager_uploads_a_file(client, manager):
    client.force_login(manager)
    template = client.get(reverse("workcalendar:schedule_template"), {"year": 2027})
    assert template.status_code == 200 and "spreadsheetml" in template["Content-Type"]
    workbook = load_workbook(io.BytesIO(template.content))
    sheet = workbook.worksheets[0]
    for row in [["2027-01-01", "休", "元旦"], ["2027-02-05", "休", "春节"], ["2027-02-20", "班", "春节"]]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.name = "2027.xlsx"
    buffer.seek(0)
    response = client.post(reverse("workcalendar:schedule_upload"), {"year": "2027", "file": buffer})
    assert response.status_code == 302
    assert service.is_official_year(2027)
    assert client.get(reverse("workcalendar:schedule_template"), {"format": "csv"})["Content-Type"].startswith(
        "text/csv"
    )


def test_a_bad_upload_lists_the_rows_and_saves_nothing(client, manager):
    client.force_login(manager)
    content = "date,kind,name\r\n2027-01-01,休,元旦\r\n2027-13-01,休,春节\r\n".encode()
    upload = io.BytesIO(content)
    upload.name = "2027.csv"
    response = client.post(reverse("workcalendar:schedule_upload"), {"year": "2027", "file": upload})
    assert response.status_code == 200
    assert any("第3行" in e for e in response.context["schedule_errors"])
    assert not service.is_official_year(2027)


def test_with_the_real_role_backend(client_for, users):
    """The lead's role backend grants the permission to system administrators only."""
    assert client_for(users["admin"]).get(reverse("workcalendar:schedule_form")).status_code == 200
    assert client_for(users["station"]).get(reverse("workcalendar:schedule_form")).status_code == 403
    assert client_for(users["station"]).get(reverse("workcalendar:index")).status_code == 200


@pytest.mark.parametrize("name", ["index", "compute", "schedule_form", "schedule_upload", "schedule_template"])
def test_every_view_declares_its_scope_policy(name):
    view = resolve(reverse(f"workcalendar:{name}")).func
    assert view.scope_policy.startswith("exempt: calendar is public reference data")
