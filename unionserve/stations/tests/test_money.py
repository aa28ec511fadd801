"""Station money (001 §四(二)): the direct share at 70%, the subsidies at 499,999 / 500,000 and 99,999 / 100,000."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from unionserve.stations import actions, money
from unionserve.stations.models import StationProfile

pytestmark = pytest.mark.django_db


def test_exterior_subsidy_at_499999_and_500000():
    accepted = dt.date(2013, 11, 30)
    assert money.exterior_subsidy(Decimal("499999"), accepted) == Decimal("20000")
    assert money.exterior_subsidy(Decimal("500000"), accepted) is None
    assert money.exterior_subsidy(Decimal("499999"), None) is None  # not accepted
    assert money.exterior_subsidy(Decimal("499999"), dt.date(2014, 1, 2)) is None  # not in the subsidy year
    assert not money.must_standardize(Decimal("499999"))
    assert money.must_standardize(Decimal("500000"))


def test_project_funds_below_100000():
    assert money.project_funds_eligible(Decimal("99999.99"))
    assert not money.project_funds_eligible(Decimal("100000"))


def test_direct_share_at_70_percent(tree, people, clock):
    clock.set(2026, 6, 30)
    st = tree["st1"]
    rec = actions.record_money
    rec(st, acting_user=people["st1"], received=True, on=dt.date(2026, 1, 5), amount=Decimal("60000"),
        source="street")
    rec(st, acting_user=people["st1"], received=True, on=dt.date(2026, 2, 5), amount=Decimal("40000"),
        source="retained")
    rec(st, acting_user=people["st1"], received=False, on=dt.date(2026, 3, 5), amount=Decimal("69999.99"),
        category="activities")
    rec(st, acting_user=people["st1"], received=False, on=dt.date(2026, 3, 6), amount=Decimal("20000"),
        category="office")
    profile = StationProfile(station=st, retained_funds=Decimal("500000"))
    year = money.year_of(st, profile, 2026)
    assert year.received == Decimal("100000") and year.direct == Decimal("69999.99")
    assert year.direct_share == Decimal("70.0")  # 69.99999 rounds half up to one decimal
    rec(st, acting_user=people["st1"], received=False, on=dt.date(2026, 4, 1), amount=Decimal("0.01"),
        category="help")
    year = money.year_of(st, profile, 2026)
    assert year.direct_share == Decimal("70.0") and year.share_ok and year.exterior_subsidy is None
    with pytest.raises(ValidationError):
        rec(st, acting_user=people["st1"], received=True, on=dt.date(2026, 1, 5), amount=Decimal("1"), source="")
    with pytest.raises(ValidationError):
        rec(st, acting_user=people["st1"], received=False, on=dt.date(2026, 7, 1), amount=Decimal("1"),
            category="help")
    with pytest.raises(PermissionDenied):
        rec(st, acting_user=people["dc"], received=False, on=dt.date(2026, 1, 1), amount=Decimal("1"),
            category="help")


def test_money_tab_and_form(client, tree, people, clock):
    clock.set(2026, 6, 30)
    client.force_login(people["st1"])
    url = reverse("stations:money_add", args=[tree["st1"].pk])
    r = client.post(url, {"received": "1", "on": "2026-06-01", "source": "street", "amount": "1000"})
    assert r.status_code == 302
    page = client.get(reverse("stations:station", args=[tree["st1"].pk]) + "?tab=money&year=2026")
    assert page.status_code == 200 and "1000.00" in page.content.decode()
    client.post(url, {"received": "1", "on": "2026-06-01", "source": "street", "amount": "-5"})
    from unionserve.stations.models import MoneyEntry

    assert MoneyEntry.objects.count() == 1
    client.force_login(people["dc"])
    assert client.post(url, {"received": "1", "on": "2026-06-01", "source": "street",
                             "amount": "1"}).status_code == 403


def test_money_api(client, tree, people, clock):
    clock.set(2026, 6, 30)
    client.force_login(people["st1"])
    url = f"/api/stations/stations/{tree['st1'].pk}/money"
    r = client.post(url, {"received": True, "on": "2026-01-05", "amount": "1000.00", "source": "street"},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["received"] == "1000.00"
    r = client.post(url, {"received": False, "on": "2026-01-06", "amount": "700.00", "category": "help"},
                    content_type="application/json")
    assert r.json()["direct_share"] == "70.0" and r.json()["share_ok"]
    assert client.post(url, {"received": False, "on": "2026-01-06", "amount": "1", "category": "pool"},
                       content_type="application/json").status_code == 400
    client.force_login(people["hd"])
    assert client.get(url + "?year=2026").status_code == 404


def test_plan_progress_per_district(client, tree, people):
    from unionserve.stations import plan

    StationProfile.objects.create(station=tree["st1"], standardized_on=dt.date(2013, 6, 30),
                                  retained_funds=Decimal("500000"))
    StationProfile.objects.create(station=tree["st2"], standardized_on=dt.date(2014, 3, 1),
                                  retained_funds=Decimal("499999.99"))
    StationProfile.objects.create(station=tree["st3"], retained_funds=Decimal("600000"))
    rows, total, targets = plan.progress(people["office"])
    dc = next(r for r in rows if r.unit == tree["dc"])
    hd = next(r for r in rows if r.unit == tree["hd"])
    assert dc.by == [1, 1, 2, 2] and dc.share_2013 == Decimal("50.0") and (dc.must, dc.must_done) == (1, 1)
    assert hd.by == [0, 0, 0, 0] and hd.share_2013 == Decimal("0.0") and (hd.must, hd.must_done) == (1, 0)
    assert total.stations == 3 and targets["city"][:3] == [50, 100, 200] and targets["district_share"] == 30
    client.force_login(people["office"])
    assert client.get(reverse("stations:plan")).status_code == 200
    assert client.get(reverse("stations:plan") + "?format=xlsx").status_code == 200
    client.force_login(people["dc"])
    assert "中关村" not in client.get(reverse("stations:plan")).content.decode()
