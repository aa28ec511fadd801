"""12351 statistics with known fixtures: exact volumes and rates, the on-time boundary, roll-up, scope, export."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from unionserve.audit.models import AuditAction, AuditEvent
from unionserve.core.roles import Role
from unionserve.hotline.models import Category, HotlineRequest
from unionserve.hotline.statistics import rates
from unionserve.workflow.models import Case, CaseAccess, Step, StepStatus

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))
MARCH = rates.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
_seq = itertools.count(1)


def at(day: str, hm: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}:00").replace(tzinfo=TZ)


def ensure_categories() -> None:
    """The seeded category tree (a transactional test's flush removes what the data migration wrote)."""
    if not Category.objects.exists():
        import importlib

        from django.apps import apps

        importlib.import_module("unionserve.hotline.migrations.0002_seed_categories").seed(apps, None)


def make_request(tree, *, kind="affair", channel="phone", category="LDGX01", received: dt.datetime,
                 steps=(), closed: dt.datetime | None = None, resolved=None, satisfaction="") -> HotlineRequest:
    """A request with its case, the units taking part and its handling steps, written directly (no engine).

    steps: (unit, status, signed_at, completed_at, due_at) for each handling assignment.
    """
    ensure_categories()
    n = next(_seq)
    case = Case.objects.create(number=f"{'SW' if kind == 'affair' else 'ZX'}T{n:06d}", process=kind,
                               state="closed" if closed else "handling", title=f"r{n}", owner_unit=tree["city"],
                               opened_at=received, closed_at=closed)
    CaseAccess.objects.create(case=case, unit=tree["city"], kind="owner")
    for unit, status, signed, completed, due in steps:
        Step.objects.create(case=case, process=kind, state="handling", unit=unit, status=status,
                            is_open=status in (StepStatus.OPEN, StepStatus.PENDING_SIGN), created_at=received,
                            signed_at=signed, completed_at=completed, due_at=due)
        CaseAccess.objects.get_or_create(case=case, unit=unit, kind="handler")
    return HotlineRequest.objects.create(
        case=case, kind=kind, channel=channel, category=Category.objects.get(code=category), description="d",
        caller_name="张三", caller_phone_hash=f"h{n}", caller_phone_encrypted="x", caller_phone_masked="138****0000",
        tracking_code=f"T{n:011d}", received_at=received, received_unit=tree["city"], resolved=resolved,
        satisfaction=satisfaction,
    )


DUE = at("2026-03-11", "23:59")
FAR = at("2099-12-31")


@pytest.fixture
def fixtures(tree):
    day = at("2026-03-02")
    signed = at("2026-03-03")
    st1, st2, st3, co = tree["st1"], tree["st2"], tree["st3"], tree["co"]
    done, open_ = StepStatus.DONE, StepStatus.OPEN
    closed = at("2026-03-20")
    # A1: st1, fed back exactly at the deadline (on time); solved; very satisfied.
    make_request(tree, received=day, steps=[(st1, done, signed, DUE, DUE)], closed=closed, resolved=True,
                 satisfaction="very_satisfied")
    # A2: st1, fed back one day past the deadline (late); not solved; satisfied.
    make_request(tree, received=day, steps=[(st1, done, signed, DUE + dt.timedelta(days=1), DUE)], closed=closed,
                 resolved=False, satisfaction="satisfied")
    # A3: st1, never signed for, past due.
    make_request(tree, received=day, steps=[(st1, open_, None, None, DUE)])
    # A4: st2, signed after the deadline, fed back late; solved; unsatisfied.
    make_request(tree, received=day, steps=[(st2, done, DUE + dt.timedelta(hours=1), DUE + dt.timedelta(days=2),
                                             DUE)], closed=closed, resolved=True, satisfaction="unsatisfied")
    # A5: st2, signed, not due yet: responded, feedback not judged yet.
    make_request(tree, received=day, steps=[(st2, open_, signed, None, FAR)])
    # A6: st2 returned it: not st2's to handle.
    make_request(tree, received=day, steps=[(st2, StepStatus.RETURNED, None, at("2026-03-02", "11:00"), DUE)])
    # A7: st3 (another district), on time, solved, not rated.
    make_request(tree, received=day, steps=[(st3, done, signed, signed, DUE)], closed=closed, resolved=True)
    # A8: the bus company union (industry line), on time, solved, neutral; came in on the portal.
    make_request(tree, received=day, channel="web", category="TS",
                 steps=[(co, done, signed, signed, DUE)], closed=closed, resolved=True, satisfaction="neutral")
    # Consultations: one on the first day, one at 23:30 on the last day of the period.
    make_request(tree, kind="consultation", received=day, category="ZCZX02", closed=day, resolved=True)
    make_request(tree, kind="consultation", channel="window", received=at("2026-03-31", "23:30"),
                 category="ZCZX", closed=day, resolved=True)
    # Outside the period (one minute before it starts, and when the next day begins).
    make_request(tree, received=at("2026-02-28", "23:59"), steps=[(st1, done, signed, signed, DUE)])
    make_request(tree, received=at("2026-04-01", "00:00"), steps=[(st1, done, signed, signed, DUE)])


def figures(user, unit):
    vectors = rates.unit_vectors(user, MARCH)
    (row,) = rates.roll_up([unit], vectors)
    return {k: (row.rate(k).numerator, row.rate(k).denominator, row.rate(k).percent) for k in rates.RATE_KEYS}


def D(s):
    return Decimal(s)


def test_rates_per_station(fixtures, tree, users):
    city = users["city"]
    assert figures(city, tree["st1"]) == {"response": (2, 3, D("66.7")), "on_time": (1, 3, D("33.3")),
                                          "resolution": (1, 2, D("50.0")), "satisfaction": (2, 2, D("100.0"))}
    assert figures(city, tree["st2"]) == {"response": (1, 2, D("50.0")), "on_time": (0, 1, D("0.0")),
                                          "resolution": (1, 1, D("100.0")), "satisfaction": (0, 1, D("0.0"))}
    assert figures(city, tree["st3"]) == {"response": (1, 1, D("100.0")), "on_time": (1, 1, D("100.0")),
                                          "resolution": (1, 1, D("100.0")), "satisfaction": (0, 0, None)}


def test_rates_roll_up_both_lines(fixtures, tree, users):
    city = users["city"]
    assert figures(city, tree["dc"]) == {"response": (3, 5, D("60.0")), "on_time": (1, 4, D("25.0")),
                                         "resolution": (2, 3, D("66.7")), "satisfaction": (2, 3, D("66.7"))}
    assert figures(city, tree["ind"]) == figures(city, tree["co"]) == {
        "response": (1, 1, D("100.0")), "on_time": (1, 1, D("100.0")), "resolution": (1, 1, D("100.0")),
        "satisfaction": (0, 1, D("0.0"))}
    assert figures(city, tree["city"]) == {"response": (5, 7, D("71.4")), "on_time": (3, 6, D("50.0")),
                                           "resolution": (4, 5, D("80.0")), "satisfaction": (2, 4, D("50.0"))}


def test_on_time_boundary_at_the_deadline_and_one_day_past(tree, users):
    st = tree["st1"]
    make_request(tree, received=at("2026-03-02"), steps=[(st, StepStatus.DONE, at("2026-03-03"), DUE, DUE)])
    assert figures(users["city"], st)["on_time"] == (1, 1, D("100.0"))
    make_request(tree, received=at("2026-03-02"),
                 steps=[(st, StepStatus.DONE, at("2026-03-03"), DUE + dt.timedelta(days=1), DUE)])
    assert figures(users["city"], st)["on_time"] == (1, 2, D("50.0"))
    # An open assignment is judged only once its deadline has passed.
    make_request(tree, received=at("2026-03-02"), steps=[(st, StepStatus.OPEN, None, None, DUE)])
    vectors = rates.unit_vectors(users["city"], MARCH, now=DUE)
    assert rates.roll_up([st], vectors)[0].rate("on_time").denominator == 2
    vectors = rates.unit_vectors(users["city"], MARCH, now=DUE + dt.timedelta(seconds=1))
    assert rates.roll_up([st], vectors)[0].rate("on_time").denominator == 3


def test_volumes(fixtures, users):
    v = rates.volumes(users["city"], MARCH)
    assert v.total == 10
    assert v.by_kind == {"affair": 8, "consultation": 2}
    assert v.by_channel == {"phone": 8, "web": 1, "window": 1}
    assert v.by_category == [("劳动关系", 7), ("政策咨询", 2), ("投诉", 1)]
    assert v.by_day == [(dt.date(2026, 3, 2), 1, 8), (dt.date(2026, 3, 31), 1, 0)]
    assert v.by_month == [("2026-03", 2, 8)]


def test_district_sees_its_subtree(fixtures, tree, users):
    district = users["district"]
    v = rates.volumes(district, MARCH)
    assert v.total == 6 and v.by_kind == {"affair": 6}
    # Its own figures are the district's; the other district's stations are not in its vectors.
    assert figures(district, tree["dc"]) == figures(users["city"], tree["dc"])
    assert figures(district, tree["st3"])["response"] == (0, 0, None)


def test_ranking(fixtures, tree, users):
    vectors = rates.unit_vectors(users["city"], MARCH)
    rows = rates.roll_up([tree["st1"], tree["st2"], tree["st3"]], vectors)
    assert [r.unit.code for r in rates.ranked(rows, "response")] == ["110108012", "110101001", "110101002"]
    assert [r.unit.code for r in rates.ranked(rows, "satisfaction")] == ["110101001", "110101002", "110108012"]


def test_percent_rounding():
    assert rates.percent(2, 3) == D("66.7") and rates.percent(1, 8) == D("12.5") and rates.percent(0, 0) is None


# --- pages ------------------------------------------------------------------------------------------------

def test_page_shows_rates_and_definitions(fixtures, tree, users, client_for):
    client = client_for(users["city"])
    response = client.get(reverse("hotline_stats:index"), {"start": "2026-03-01", "end": "2026-03-31",
                                                          "rank": "response"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "71.4%" in page and "响应率" in page and "解决率" in page and "满意率" in page
    assert "60.0%" in page  # 东城区 rolled up
    assert 'id="hs-chart-data"' in page and "echarts" in page
    # The district's row links down to it, with the period kept.
    assert f"?unit={tree['dc'].pk}&amp;start=2026-03-01" in page


def test_page_default_period_and_bad_input(users, client_for):
    client = client_for(users["city"])
    assert client.get(reverse("hotline_stats:index")).status_code == 200
    bad = client.get(reverse("hotline_stats:index"), {"start": "2026-03-31", "end": "2026-03-01"})
    assert bad.status_code == 200 and "id_end_error" in bad.content.decode()


def test_page_scope_and_permission(fixtures, tree, users, client_for, make_user):
    client = client_for(users["district"])
    ok = client.get(reverse("hotline_stats:index"), {"start": "2026-03-01", "end": "2026-03-31"})
    assert ok.status_code == 200 and "60.0%" in ok.content.decode()
    assert client.get(reverse("hotline_stats:index"), {"unit": tree["st3"].pk}).status_code == 404
    assert client.get(reverse("hotline_stats:index"), {"unit": tree["city"].pk}).status_code == 404
    assert client.get(reverse("hotline_stats:export"), {"unit": tree["hd"].pk}).status_code == 404
    for name in ("station", "grassroots"):
        assert client_for(users[name]).get(reverse("hotline_stats:index")).status_code == 403
    agent = make_user(tree["city"], Role.HOTLINE_AGENT, username="agent1")
    assert client_for(agent).get(reverse("hotline_stats:index")).status_code == 200


def test_export_is_audited_and_has_the_figures(fixtures, tree, users, client_for):
    client = client_for(users["city"])
    response = client.get(reverse("hotline_stats:export"), {"start": "2026-03-01", "end": "2026-03-31"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[3]  # rates
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    city = rows[0]
    assert city[0] == tree["city"].name and city[1] == 7 and city[2] == pytest.approx(71.4)
    event = AuditEvent.objects.get(action=AuditAction.STATISTICS_EXPORTED)
    assert event.detail["start"] == "2026-03-01" and event.actor == users["city"]


def test_many_requests_cost_a_constant_number_of_queries(fixtures, tree, users, client_for,
                                                          django_assert_max_num_queries):
    client = client_for(users["city"])
    with django_assert_max_num_queries(20):
        client.get(reverse("hotline_stats:index"), {"start": "2026-03-01", "end": "2026-03-31"})
    for _ in range(5):
        make_request(tree, received=at("2026-03-05"), steps=[(tree["st1"], StepStatus.DONE, at("2026-03-06"),
                                                             at("2026-03-06"), DUE)])
    with django_assert_max_num_queries(20):
        client.get(reverse("hotline_stats:index"), {"start": "2026-03-01", "end": "2026-03-31"})


def test_now_default(tree):
    assert rates.Period.default(dt.date(2026, 3, 17)) == rates.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 17))
    start, end = MARCH.bounds()
    assert end - start == dt.timedelta(days=31) and start.tzinfo is not None
    assert timezone.localtime(start).hour == 0


def test_export_headers_are_in_the_users_language(fixtures, tree, users, client_for):
    client = client_for(users["city"])
    response = client.get(reverse("hotline_stats:export"), {"start": "2026-03-01", "end": "2026-03-31"})
    headers = next(openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[3].iter_rows(
        min_row=3, max_row=3, values_only=True))
    assert "响应率（分子）" in headers and "响应率（分母）" in headers
    assert not any(word in str(h) for h in headers for word in ("numerator", "denominator"))
