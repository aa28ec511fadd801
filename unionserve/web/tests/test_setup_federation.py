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
