"""First run of a real federation: the tree, the calendar, the first administrator; no demo data."""

import io

import pytest
from django.core.management import CommandError, call_command

from unionserve.accounts.models import User
from unionserve.orgs.models import OrgUnit
from unionserve.workcalendar.models import CalendarYear


def run(*args) -> str:
    out = io.StringIO()
    call_command("setup_federation", *args, stdout=out)
    return out.getvalue()


def test_beijing_first_run_then_login(db, client):
    output = run("--beijing")
    assert OrgUnit.objects.filter(kind="station").count() == 349
    assert not OrgUnit.objects.filter(kind__in=["company", "grassroots"]).exists()  # no demo units
    assert CalendarYear.objects.exists()
    admin = User.objects.get()
    assert admin.username == "admin" and admin.org_unit.code == "110000" and admin.must_change_password
    password = output.split("first login): ")[1].split()[0]
    assert client.post("/accounts/login/", {"username": "admin", "password": password}).status_code == 302
    # Again: nothing added, the password not shown twice.
    units = OrgUnit.objects.count()
    again = run("--beijing")
    assert OrgUnit.objects.count() == units and User.objects.count() == 1
    assert password not in again and "not shown again" in again


def test_the_hooks_run_lower_apps_first():
    from unionserve.web.management.commands.setup_federation import setup_hooks

    labels = [label for label, _hook in setup_hooks()]
    assert "workcalendar" in labels


def test_an_empty_tree_needs_a_source(db):
    with pytest.raises(CommandError):
        run()


def test_a_lost_first_password_is_replaced_and_no_second_admin_made(db, client):
    run("--beijing")
    admin = User.objects.get()
    output = run("--new-password")
    password = output.split("first login): ")[1].split()[0]
    assert client.post("/accounts/login/", {"username": "admin", "password": password}).status_code == 302
    # Renamed since: the federation has its administrator, the next run makes no other.
    User.objects.filter(pk=admin.pk).update(username="chief")
    run()
    assert list(User.objects.values_list("username", flat=True)) == ["chief"]


def test_another_city_from_a_units_file(db, tmp_path):
    import csv

    from unionserve.orgs.setup import COLUMNS

    path = tmp_path / "units.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([h for h, _f, _r in COLUMNS])
        w.writerow(["310000", "上海市职工服务中心", "市职工服务中心", "", "", "310000", "", "", ""])
        w.writerow(["310101", "黄浦区职工服务中心", "区职工服务中心", "310000", "", "", "", "", ""])
        w.writerow(["310101002", "南京东路街道工会服务站", "工会服务站", "310101", "", "", "", "", ""])
    run("--units", str(path))
    assert User.objects.get().org_unit.code == "310000"
    assert OrgUnit.objects.count() == 3


def test_a_wrong_units_file_saves_nothing_and_writes_the_report(db, tmp_path):
    path = tmp_path / "units.csv"
    header = "编码,名称,类别,区域上级编码,行业上级编码,行政区划代码,地址,电话,备注"
    path.write_text(f"{header}\nX,,市中心,,,,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Error report"):
        run("--units", str(path), "--errors", str(tmp_path / "errors.xlsx"))
    assert not OrgUnit.objects.exists() and not User.objects.exists()
    assert (tmp_path / "errors.xlsx").exists()
