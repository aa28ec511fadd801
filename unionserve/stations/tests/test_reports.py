"""The monthly report: due day from policy on the working-day calendar, submission on time and late, district
review, completeness and timeliness counted by hand, reminders, scope and roles."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from unionserve.notifications.models import Notification
from unionserve.policy.models import PolicyVersion, Status
from unionserve.stations import actions, reminders, rules, stats
from unionserve.stations.models import MonthlyReport, ReportStatus

pytestmark = pytest.mark.django_db

SEPT = dt.date(2026, 9, 1)


@pytest.fixture
def first_working_day(people):
    """The city office's approved version: due on the 1st working day of the next month, from 2026-09-01."""
    return PolicyVersion.objects.create(key="stations.report.due_working_day", version=2, value=Decimal(1),
                                        effective_from=dt.date(2026, 9, 1), source="test", status=Status.APPROVED,
                                        proposed_by=people["office"], decided_by=people["dc"])


def test_due_on_first_working_day_after_national_day(first_working_day):
    due, used = rules.due_day(SEPT)
    assert due == dt.date(2026, 10, 8)
    assert used["version"] == 2 and used["value"] == "1"
    # Before the new version the seed default (5th working day) applied: August's report was due 2026-09-07.
    assert rules.due_day(dt.date(2026, 7, 1))[0] == dt.date(2026, 8, 7)


def submit(station, user, clock, day, period=SEPT):
    clock.set(day.year, day.month, day.day)
    return actions.save_report(station, period, acting_user=user, figures={"activities": 2}, submit=True)


def test_on_time_and_one_day_late(tree, people, clock, first_working_day):
    on_time = submit(tree["st1"], people["st1"], clock, dt.date(2026, 10, 8))
    late = submit(tree["st2"], people["st2"], clock, dt.date(2026, 10, 9))
    assert on_time.due_on == late.due_on == dt.date(2026, 10, 8)
    assert on_time.on_time and not late.on_time
    assert on_time.status == ReportStatus.SUBMITTED


def test_completeness_and_timeliness_by_hand(tree, people, clock, first_working_day):
    """September 2026, city: 3 stations expected (st1, st2 in 东城, st3 in 海淀).

    st1 on time (10-08), st2 one day late (10-09), st3 missing → 东城 2/2 submitted, 1/2 on time: 100.0% and 50.0%;
    海淀 0/1: 0.0% and 0.0%; city 2/3 = 66.7% complete, 1/3 = 33.3% timely.
    """
    submit(tree["st1"], people["st1"], clock, dt.date(2026, 10, 8))
    submit(tree["st2"], people["st2"], clock, dt.date(2026, 10, 9))
    clock.set(2026, 10, 20)
    table = stats.rate_table(people["office"], 2026)
    sept = {unit.code: by[SEPT] for unit, by, _t in table.rows}
    assert (sept["110101"].expected, sept["110101"].submitted, sept["110101"].on_time) == (2, 2, 1)
    assert (sept["110101"].completeness, sept["110101"].timeliness) == (Decimal("100.0"), Decimal("50.0"))
    assert (sept["110108"].expected, sept["110108"].submitted, sept["110108"].on_time) == (1, 0, 0)
    assert table.city[SEPT].completeness == Decimal("66.7")
    assert table.city[SEPT].timeliness == Decimal("33.3")
    # October is not yet due on 10-20: it is not expected of anybody.
    assert dt.date(2026, 10, 1) not in table.months
    # The year: January … September are due, nothing else submitted: 2 of 27 submitted, 1 of 27 on time.
    assert len(table.months) == 9
    assert (table.city_total.expected, table.city_total.submitted, table.city_total.on_time) == (27, 2, 1)
    # A district sees its own stations only.
    mine = stats.rate_table(people["dc"], 2026)
    assert [u.code for u, _b, _t in mine.rows] == ["110101"]
    assert mine.city[SEPT].completeness == Decimal("100.0")


def test_returned_report_keeps_its_first_submission(tree, people, clock, first_working_day):
    report = submit(tree["st1"], people["st1"], clock, dt.date(2026, 10, 8))
    with pytest.raises(ValidationError):
        actions.review_report(report, acting_user=people["dc"], approve=False, reason="  ")
    with pytest.raises(PermissionDenied):  # another district's center
        actions.review_report(report, acting_user=people["hd"], approve=True)
    report = actions.review_report(report, acting_user=people["dc"], approve=False, reason="活动数不对")
    assert report.status == ReportStatus.RETURNED
    assert Notification.objects.filter(event="station.report_returned").exists()
    report = submit(tree["st1"], people["st1"], clock, dt.date(2026, 10, 12))
    assert report.status == ReportStatus.SUBMITTED and report.first_submitted_on == dt.date(2026, 10, 8)
    assert report.on_time
    report = actions.review_report(report, acting_user=people["dc"], approve=True)
    assert report.status == ReportStatus.APPROVED
    with pytest.raises(ValidationError):  # approved: no more changes
        submit(tree["st1"], people["st1"], clock, dt.date(2026, 10, 13))


def test_month_not_ended_cannot_be_submitted(tree, people, clock):
    clock.set(2026, 9, 20)
    with pytest.raises(ValidationError):
        actions.save_report(tree["st1"], SEPT, acting_user=people["st1"], figures={}, submit=True)
    draft = actions.save_report(tree["st1"], SEPT, acting_user=people["st1"], figures={"activities": 1})
    assert draft.status == ReportStatus.DRAFT


def test_only_the_station_itself_edits(tree, people, clock):
    clock.set(2026, 10, 8)
    for who in ("st3", "dc", "office"):
        with pytest.raises(PermissionDenied):
            actions.save_report(tree["st1"], SEPT, acting_user=people[who], figures={})


def test_figures_bounded(tree, people, clock):
    clock.set(2026, 10, 8)
    for bad in ({"activities": -1}, {"activities": 10**9}, {"nonsense": 1}, {"activities": "x"}):
        with pytest.raises(ValidationError):
            actions.save_report(tree["st1"], SEPT, acting_user=people["st1"], figures=bad)


def test_reminders_before_and_after_the_due_day(tree, people, clock, first_working_day):
    submit(tree["st1"], people["st1"], clock, dt.date(2026, 10, 8))
    MonthlyReport.objects.filter(station=tree["st1"]).update(first_submitted_on=None)  # pretend not yet
    clock.set(2026, 10, 6)  # 2 days before 10-08 (the policy reminds from 3 days before)
    assert reminders.remind(dt.date(2026, 10, 6))["reminded"] == 3
    due = Notification.objects.filter(event="station.report_due")
    sent = due.count()
    assert sent >= 3
    reminders.remind(dt.date(2026, 10, 6))  # the beat runs twice: the outbox's dedupe key sends nothing more
    assert due.count() == sent
    assert reminders.remind(dt.date(2026, 10, 2))["reminded"] == 0  # 6 days before: too early
    submit(tree["st2"], people["st2"], clock, dt.date(2026, 10, 9))
    MonthlyReport.objects.filter(station=tree["st1"]).update(first_submitted_on=dt.date(2026, 10, 8))
    # After the due day only st3 is missing: the station and its district are told.
    assert reminders.remind(dt.date(2026, 10, 9))["reminded"] == 1
    assert Notification.objects.filter(event="station.report_overdue").exists()
    # A rest day after the due day: nothing.
    assert reminders.remind(dt.date(2026, 10, 11))["reminded"] == 0
